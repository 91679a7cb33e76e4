"""Anonymous or contactable: consent to follow-up questions relayed through the bot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.flow.words import NO, YES
from bot.messages import Choice


class ContactStep(Step):
    name = "contact"
    editable = True
    meanings: ClassVar[Mapping[str, str]] = {YES: "contact", NO: "anonymous"}

    def needed(self, session: object) -> bool:
        """Consent is given with the send choice in the summary; this question is asked
        only when the person chooses "Follow-up" there."""
        return False

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        turn.ask(
            _(
                "May monitoring staff send you follow-up questions through this chat? "
                "They never see your name or number."
            ),
            [
                Choice("contact", _("Yes, you may contact me")),
                Choice("anonymous", _("No, keep me anonymous")),
            ],
        )

    async def answer(self, turn: Turn) -> Outcome:
        if turn.reply.choice not in ("contact", "anonymous"):
            return Outcome.REPROMPT
        turn.draft.consent_followup = turn.reply.choice == "contact"
        return Outcome.DONE
