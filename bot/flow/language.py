"""Choosing the conversation's language; the choice beats detection and channel hints.

At the menu a person may press a button, type a language's name in any of the languages
("français", "arabic", "عربي", "kiswahili"), or simply start telling what happened: a story
typed there is read in the language it was written in and kept as the account.
"""

from __future__ import annotations

from bot.flow.answers import fold
from bot.flow.describe import MIN_WORDS, read_account
from bot.flow.step import Step
from bot.flow.turn import Outcome, Turn
from bot.messages import Choice
from bot.sessions import Session
from locales.i18n import native_name

# Names people type for a language, folded, in the six conversation languages.
LANGUAGE_NAMES: dict[str, str] = {
    **dict.fromkeys(
        (
            "english",
            "anglais",
            "ingles",
            "kiingereza",
            "انجليزي",
            "انجليزيه",
            "الانجليزيه",
            "الانكليزيه",
        ),
        "en",
    ),
    **dict.fromkeys(
        ("francais", "french", "frances", "kifaransa", "فرنسي", "الفرنسيه", "فرنسيه"), "fr"
    ),
    **dict.fromkeys(("arabic", "arabe", "arabe", "kiarabu", "عربي", "العربيه", "عربيه"), "ar"),
    **dict.fromkeys(
        ("espanol", "spanish", "espagnol", "espanhol", "kihispania", "اسباني", "الاسبانيه"), "es"
    ),
    **dict.fromkeys(
        ("portugues", "portuguese", "portugais", "kireno", "برتغالي", "البرتغاليه"), "pt"
    ),
    **dict.fromkeys(("kiswahili", "swahili", "suajili", "suaili", "سواحيلي", "السواحيليه"), "sw"),
}


def named_language(text: str, languages: list[str]) -> str | None:
    """The configured language a short answer names ("fr", "Français", "arabic"), if any."""
    folded = fold(text)
    code = folded if folded in languages else LANGUAGE_NAMES.get(folded)
    return code if code in languages else None


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
        choice, text = turn.reply.choice, turn.reply.text
        languages = turn.services.settings.languages
        if choice and choice.startswith("lang:") and choice[5:] in languages:
            turn.set_language(choice[5:], explicit=True)
            return Outcome.DONE
        if not text:
            return Outcome.REPROMPT
        code = named_language(text, languages)
        if code is not None:
            turn.set_language(code, explicit=True)
            return Outcome.DONE
        if len(text.split()) < MIN_WORDS:
            return Outcome.REPROMPT
        return await self._story(turn, text)

    async def _story(self, turn: Turn, text: str) -> Outcome:
        """What happened, told at the menu: read in its own language and kept."""
        nlu = turn.services.nlu
        code, _confidence = nlu.detect_language(text, turn.inbound.language_hint)
        if code not in turn.services.settings.languages:
            code = turn.language  # kept all the same, in the deployment's language
        turn.set_language(code, explicit=False)
        await read_account(turn, text)
        if "describe" not in turn.session.answered:
            turn.session.answered.append("describe")
        return Outcome.DONE
