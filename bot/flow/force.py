"""Which force did it: a type from the taxonomy, and a unit's name when the person gives one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.flow.words import UNKNOWN
from bot.messages import Choice
from locales.labels import PERPETRATOR_LABELS
from nlu.taxonomy import PERPETRATORS


class ForceStep(Step):
    name = "force"
    editable = True
    meanings: ClassVar[Mapping[str, str]] = {UNKNOWN: "force:unknown"}
    takes_free_text = True

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        choices = [Choice(f"force:{p}", _(PERPETRATOR_LABELS[p])) for p in PERPETRATORS]
        turn.ask(_("Who did it? Choose one, or type the name of the force or unit."), choices)

    async def answer(self, turn: Turn) -> Outcome:
        reply, draft = turn.reply, turn.draft
        if reply.choice and reply.choice.startswith("force:"):
            perpetrator = reply.choice[6:]
            if perpetrator not in PERPETRATORS:
                return Outcome.REPROMPT
            draft.perpetrator, draft.perpetrator_detail = perpetrator, None
            return Outcome.DONE
        if not reply.text:
            return Outcome.REPROMPT
        perpetrator, _words = turn.services.nlu.parse_perpetrator(
            reply.text, language=turn.language
        )
        # a unit's own name is worth keeping even when its type is not recognised
        draft.perpetrator, draft.perpetrator_detail = perpetrator or "unknown", reply.text
        return Outcome.DONE
