"""Translations of every user-facing string, from the gettext catalogues in `locales/`.

Catalogues are read from their `.po` source and compiled in memory on first use, so a fresh
checkout needs no build step and a catalogue edit shows on the next start.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import locales

LOCALES_DIR = Path(locales.__file__).parent
DOMAIN = "messages"
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ps", "ur"})
NATIVE_NAMES = {
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "es": "Español",
    "pt": "Português",
    "sw": "Kiswahili",
}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (translated at use)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with plural forms for extraction; `Translator.plural` picks the form."""
    return singular, plural


def catalogue_path(language: str, domain: str = DOMAIN) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def available_languages() -> list[str]:
    return sorted(
        path.parent.parent.name for path in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    )


@lru_cache(maxsize=32)
def translations(language: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The compiled catalogue of `language` in `domain`, or identity when there is none.

    `messages` is the conversation's domain; the staff desk has its own (`staff`), with
    fewer languages."""
    path = catalogue_path(language, domain)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """`_()` for one language, with named placeholders filled after translation."""

    def __init__(self, language: str, domain: str = DOMAIN) -> None:
        self.language = language
        self._catalogue = translations(language, domain)

    def __call__(self, message: str, **values: object) -> str:
        text = self._catalogue.gettext(message)
        return text.format(**values) if values else text

    def plural(self, singular: str, plural: str, count: int, **values: object) -> str:
        text = self._catalogue.ngettext(singular, plural, count)
        return text.format(count=count, **values)

    @property
    def right_to_left(self) -> bool:
        return self.language in RIGHT_TO_LEFT


def native_name(language: str) -> str:
    return NATIVE_NAMES.get(language, language)
