"""The shape of one step of a conversation, and choices shared by several steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from bot.flow.turn import Outcome, Reading, Turn
from bot.flow.words import NO, SKIP, UNKNOWN, YES
from bot.messages import Choice
from bot.sessions import Session
from locales.i18n import Translator


class Step:
    """Asks one question and reads its answer; knows nothing of channels."""

    name: ClassVar[str]
    # steps of the report itself are listed in the summary's "change" menu
    editable: ClassVar[bool] = False

    # what the words "yes", "no", "I don't know", "skip" choose at this question
    meanings: ClassVar[Mapping[str, str]] = {YES: "yes", NO: "no", UNKNOWN: "unknown", SKIP: "skip"}
    # "12" is an answer (a count), not the 12th choice
    numbers_are_answers: ClassVar[bool] = False
    # free text is a real answer here (a place, a unit's name): no guessing from typos
    takes_free_text: ClassVar[bool] = False

    def reading(self, turn: Turn) -> Reading:
        """How typed answers are read at this question, in the conversation's language."""
        return Reading(
            language=turn.language,
            meanings=self.meanings,
            numbers_are_answers=self.numbers_are_answers,
            forgive_typos=not self.takes_free_text,
        )

    def needed(self, session: Session) -> bool:
        return self.name not in session.answered

    async def ask(self, turn: Turn) -> None:
        raise NotImplementedError

    async def answer(self, turn: Turn) -> Outcome:
        raise NotImplementedError


def yes_no(_: Translator, *, unknown: bool = False) -> list[Choice]:
    choices = [Choice("yes", _("Yes")), Choice("no", _("No"))]
    if unknown:
        choices.append(Choice("unknown", _("I don't know")))
    return choices
