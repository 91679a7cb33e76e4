"""The NLU's reading offered for confirmation, or a list to pick the kind of incident from."""

from __future__ import annotations

from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.messages import Choice
from locales.labels import CATEGORY_LABELS, CATEGORY_PHRASES, PERPETRATOR_PHRASES
from nlu.taxonomy import CATEGORIES

PICK = "pick"


class CategoryStep(Step):
    name = "category"
    editable = True

    def _confident(self, turn: Turn) -> bool:
        draft = turn.draft
        confidence = draft.category_confidence or 0.0
        return (
            draft.category not in (None, "other")
            and confidence >= turn.services.nlu.confidence_threshold
        )

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        if turn.session.mode != PICK and self._confident(turn):
            phrase = CATEGORY_PHRASES[turn.draft.category or "other"]
            incident = _(phrase)
            force = PERPETRATOR_PHRASES.get(turn.draft.perpetrator or "")
            if force:
                text = _(
                    "It sounds like {incident} {by_force}. Is that right?",
                    incident=incident,
                    by_force=_(force),
                )
            else:
                text = _("It sounds like {incident}. Is that right?", incident=incident)
            turn.ask(text, [Choice("yes", _("Yes")), Choice("no", _("No, choose another"))])
            return
        turn.session.mode = PICK
        choices = [Choice(f"cat:{cat}", _(CATEGORY_LABELS[cat])) for cat in CATEGORIES]
        turn.ask(_("What kind of incident was it? Choose the closest."), choices)

    async def answer(self, turn: Turn) -> Outcome:
        choice = turn.reply.choice
        if turn.session.mode != PICK:
            if choice == "yes":
                return Outcome.DONE
            if choice == "no":
                turn.session.mode = PICK
                return Outcome.STAY
            return Outcome.REPROMPT
        if choice and choice.startswith("cat:") and choice[4:] in CATEGORIES:
            turn.draft.category = choice[4:]
            turn.draft.category_confidence = 1.0
            return Outcome.DONE
        return Outcome.REPROMPT
