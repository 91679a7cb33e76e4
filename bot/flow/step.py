"""The shape of one step of a conversation, and choices shared by several steps."""

from __future__ import annotations

from typing import ClassVar

from bot.flow.turn import Outcome, Turn
from bot.messages import Choice
from bot.sessions import Session
from locales.i18n import Translator


class Step:
    """Asks one question and reads its answer; knows nothing of channels."""

    name: ClassVar[str]
    # steps of the report itself are listed in the summary's "change" menu
    editable: ClassVar[bool] = False

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
