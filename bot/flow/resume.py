"""A person who comes back to a half-told report chooses to continue it or start again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.flow.words import YES
from bot.messages import Choice


class ResumeStep(Step):
    name = "resume"
    meanings: ClassVar[Mapping[str, str]] = {YES: "continue"}

    def needed(self, session: object) -> bool:
        return False

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        turn.ask(
            _("You have an unfinished report from earlier. Do you want to continue it?"),
            [Choice("continue", _("Continue it")), Choice("restart", _("Start again"))],
        )

    async def answer(self, turn: Turn) -> Outcome:
        if turn.reply.choice == "continue":
            return Outcome.DONE
        if turn.reply.choice == "restart":
            turn.session.reset_report()
            return Outcome.NEXT
        return Outcome.REPROMPT
