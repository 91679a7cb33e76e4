"""Who was affected and how many: groups (women, children, ...) with counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from bot.flow.counts import read_count
from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.flow.words import UNKNOWN
from bot.messages import Choice

MAX_ATTEMPTS = 2


class AffectedStep(Step):
    name = "affected"
    editable = True
    meanings: ClassVar[Mapping[str, str]] = {UNKNOWN: "unknown"}
    numbers_are_answers = True
    takes_free_text = True

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        turn.ask(
            _(
                "Who was affected, and how many? For example: “3 men and 2 children”, "
                "“a woman”, “about 20 people”."
            ),
            [Choice("unknown", _("I don't know"))],
        )

    async def answer(self, turn: Turn) -> Outcome:
        _ = turn._
        reply, draft = turn.reply, turn.draft
        if reply.choice == "unknown":
            draft.affected_groups, draft.victims = {}, None
            return Outcome.DONE
        if not reply.text:
            return Outcome.REPROMPT
        reading = turn.services.nlu.parse_victims(reply.text, language=turn.language)
        if reading.groups or reading.total:
            draft.affected_groups, draft.victims = dict(reading.groups), reading.total
            return Outcome.DONE
        count = read_count(reply.text)
        if count is not None:
            draft.affected_groups, draft.victims = count.groups, count.total
            draft.affected_text = reply.text if count.vague else None
            return Outcome.DONE
        if turn.session.failed_attempts + 1 >= MAX_ATTEMPTS:
            draft.affected_groups, draft.victims = {}, None
            draft.affected_text = reply.text
            return Outcome.DONE
        turn.say(_("Sorry, I could not read who or how many in that."))
        return Outcome.REPROMPT
