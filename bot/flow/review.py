"""One question for everything the NLU read with confidence in the story.

"I understood: a beating by soldiers, in Mopti (Mali), yesterday evening, 3 men. Is that
right?" One "yes" confirms the kind of incident, the place, the time and the people at once;
the steps that follow ask only what is missing or unsure. A "no" asks which part is wrong and
asks that part again, keeping the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from bot.flow.moments import format_when
from bot.flow.place import clear_reading
from bot.flow.places import describe_candidate, record_candidate
from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.flow.words import NO, YES
from bot.messages import Choice
from bot.sessions import Session
from locales.i18n import N_
from locales.labels import CATEGORY_PHRASES, PERPETRATOR_PHRASES, describe_groups

NAME = "review"
FIX = "fix"
# The parts of the story the review can confirm, as named in "What is not right?".
PARTS: dict[str, str] = {
    "category": N_("What happened"),
    "force": N_("Who did it"),
    "place": N_("Where"),
    "when": N_("When"),
    "affected": N_("Who was affected"),
}


def confident(turn: Turn) -> bool:
    """The NLU read the kind of incident well enough to say it back."""
    draft = turn.draft
    return (
        draft.category not in (None, "other")
        and (draft.category_confidence or 0.0) >= turn.services.nlu.confidence_threshold
    )


def offer_review(turn: Turn) -> None:
    """After the story is read: confirm it in one question, or ask step by step."""
    answered = turn.session.answered
    if NAME in answered:
        answered.remove(NAME)
    if not confident(turn):
        answered.append(NAME)


def _read_parts(turn: Turn) -> list[str]:
    """The parts to be confirmed: read from the story and not yet answered by the person."""
    draft, answered = turn.draft, turn.session.answered
    parts = ["category"]
    if draft.perpetrator and draft.perpetrator in PERPETRATOR_PHRASES:
        parts.append("force")
    if "place" not in answered and clear_reading(draft.place_candidates):
        parts.append("place")
    if draft.occurred_at and "when" in answered:
        parts.append("when")
    if (draft.affected_groups or draft.victims) and "affected" in answered:
        parts.append("affected")
    return parts


class ReviewStep(Step):
    name = NAME
    meanings: ClassVar[Mapping[str, str]] = {YES: "yes", NO: "no"}

    def needed(self, session: Session) -> bool:
        return NAME not in session.answered and bool(session.draft.description)

    def _sentence(self, turn: Turn, parts: list[str]) -> str:
        _, draft = turn._, turn.draft
        incident = _(CATEGORY_PHRASES[draft.category or "other"])
        if "force" in parts:
            incident = f"{incident} {_(PERPETRATOR_PHRASES[draft.perpetrator or ''])}"
        pieces = [incident]
        if "place" in parts:
            place = describe_candidate(
                draft.place_candidates[0], turn.language, nlu=turn.services.nlu
            )
            pieces.append(_("in {place}", place=place))
        if "when" in parts:
            pieces.append(format_when(draft.occurred_at, draft.occurred_precision, _))
        if "affected" in parts:
            pieces.append(describe_groups(draft.affected_groups, draft.victims, _))
        return _("I understood: {reading}. Is that right?", reading=", ".join(pieces))

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        parts = _read_parts(turn)
        turn.session.context["review_parts"] = parts
        if turn.session.mode == FIX:
            choices = [Choice(f"fix:{part}", _(PARTS[part])) for part in parts]
            turn.ask(_("What is not right?"), choices)
            return
        turn.ask(
            self._sentence(turn, parts),
            [Choice("yes", _("Yes, that's right")), Choice("no", _("No, correct something"))],
        )

    async def answer(self, turn: Turn) -> Outcome:
        choice = turn.reply.choice
        parts: list[str] = turn.session.context.get("review_parts") or []
        if turn.session.mode == FIX:
            wrong = choice[4:] if choice and choice.startswith("fix:") else None
            if wrong not in parts:
                return Outcome.REPROMPT
            self._confirm(turn, [part for part in parts if part != wrong])
            self._reopen(turn, wrong)
            return Outcome.DONE
        if choice == "yes":
            self._confirm(turn, parts)
            return Outcome.DONE
        if choice == "no":
            turn.session.mode = FIX
            return Outcome.STAY
        return Outcome.REPROMPT

    def _confirm(self, turn: Turn, parts: list[str]) -> None:
        answered = turn.session.answered
        if "place" in parts:
            record_candidate(turn.draft, turn.draft.place_candidates[0], "gazetteer")
        for part in parts:
            if part not in answered:
                answered.append(part)
        turn.session.context.pop("review_parts", None)

    def _reopen(self, turn: Turn, part: str | None) -> None:
        """Ask the wrong part again; the kind of incident straight from the list."""
        answered, draft = turn.session.answered, turn.draft
        if part in answered:
            answered.remove(part)
        if part == "category":
            draft.category_confidence = 0.0
        elif part == "place":
            draft.place_candidates = []
