"""Choosing the conversation's language; the choice beats detection and channel hints."""

from __future__ import annotations

from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.messages import Choice
from bot.sessions import Session
from locales.i18n import native_name


class LanguageStep(Step):
    name = "language"

    def needed(self, session: Session) -> bool:
        return session.language is None

    async def ask(self, turn: Turn) -> None:
        _ = turn._
        languages = turn.services.settings.languages
        choices = [Choice(f"lang:{code}", native_name(code)) for code in languages]
        turn.ask(_("Which language do you want to use?"), choices)

    async def answer(self, turn: Turn) -> Outcome:
        choice = turn.reply.choice
        languages = turn.services.settings.languages
        if choice and choice.startswith("lang:") and choice[5:] in languages:
            turn.set_language(choice[5:], explicit=True)
            return Outcome.DONE
        if turn.reply.text:
            code = (turn.reply.text or "").strip().lower()
            if code in languages:
                turn.set_language(code, explicit=True)
                return Outcome.DONE
        return Outcome.REPROMPT
