"""When it happened, from words such as "yesterday evening", "hier soir" or "أمس"."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import ClassVar

from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.flow.words import UNKNOWN
from bot.messages import Choice

MAX_ATTEMPTS = 2  # after this many unreadable answers the words are kept as they are
FUTURE_TOLERANCE = timedelta(hours=1)


class WhenStep(Step):
    name = "when"
    editable = True
    meanings: ClassVar[Mapping[str, str]] = {UNKNOWN: "unknown"}
    takes_free_text = True

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        turn.ask(
            _("When did it happen? For example: “yesterday evening”, “this morning”, “12 March”."),
            [
                Choice("today", _("Today")),
                Choice("yesterday", _("Yesterday")),
                Choice("unknown", _("I don't know")),
            ],
        )

    async def answer(self, turn: Turn) -> Outcome:
        _ = turn._
        reply, draft = turn.reply, turn.draft
        now = turn.inbound.received_at
        if reply.choice in ("today", "yesterday"):
            day = now if reply.choice == "today" else now - timedelta(days=1)
            draft.occurred_at, draft.occurred_precision = day.isoformat(), "day"
            return Outcome.DONE
        if reply.choice == "unknown":
            draft.occurred_at = draft.occurred_precision = None
            return Outcome.DONE
        if not reply.text:
            return Outcome.REPROMPT
        reading = turn.services.nlu.parse_when(reply.text, language=turn.language, now=now)
        if reading is not None and reading.at > now + FUTURE_TOLERANCE:
            turn.say(_("That date is in the future. When did it happen?"))
            return Outcome.REPROMPT
        if reading is None:
            if turn.session.failed_attempts + 1 >= MAX_ATTEMPTS:
                draft.occurred_at = draft.occurred_precision = None
                draft.occurred_text = reply.text
                return Outcome.DONE
            turn.say(_("Sorry, I could not read a date or time in that."))
            return Outcome.REPROMPT
        draft.occurred_at = reading.at.isoformat()
        draft.occurred_precision = reading.precision
        draft.occurred_text = reply.text
        return Outcome.DONE
