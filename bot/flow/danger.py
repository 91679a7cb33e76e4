""" "Is anyone in danger right now?": the answer makes a report critical."""

from __future__ import annotations

from bot.flow.step import Step, yes_no
from bot.flow.turn import Outcome, Turn


class DangerStep(Step):
    name = "danger"
    editable = True

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        turn.ask(
            _(
                "Is anyone in danger right now?\n(If you have photos, videos, voice messages "
                "or documents about it, you can send them now too.)"
            ),
            yes_no(_, unknown=True),
        )

    async def answer(self, turn: Turn) -> Outcome:
        _ = turn._
        answers = {"yes": True, "no": False, "unknown": None}
        if turn.reply.choice not in answers:
            return Outcome.REPROMPT
        turn.draft.immediate_danger = answers[turn.reply.choice]
        if turn.reply.choice == "yes":
            turn.say(
                _(
                    "We will mark this report as urgent. If you can, move to a safe place "
                    "and contact people you trust."
                )
            )
        return Outcome.DONE
