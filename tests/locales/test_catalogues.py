"""Every user-facing string has a translation in every shipped catalogue.

The message ids are extracted from the sources exactly as `pybabel extract` would, so a new
`_("...")` without catalogue entries fails here, before a person sees English in an Arabic chat.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from locales.i18n import LOCALES_DIR, Translator

ROOT = Path(__file__).resolve().parents[2]
# the staff desk has its own domain and catalogue test (tests/locales/test_staff_catalogue.py)
SOURCE_DIRS = ("bot", "tocsin", "escalation", "locales")
REQUIRED_LANGUAGES = ("en", "fr", "ar", "es", "pt", "sw")
# Every language the bot converses in: its catalogue must exist and the conversation's own
# strings (the report flow, commands, labels, channel wording) must be translated.
CONVERSATION_LANGUAGES = ("en", "fr", "ar", "es", "pt", "sw")
CONVERSATION_SOURCES = ("bot/flow", "bot/commands.py", "bot/engine.py", "locales", "bot/channels")
KEYWORDS = {"_": None, "N_": None, "N_plural": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def extracted_ids(sources: tuple[str, ...] = SOURCE_DIRS) -> set[str]:
    """Message ids (the singular of plural messages) as `pybabel extract` finds them."""
    ids: set[str] = set()
    method_map = [("**.py", "python")]
    for source in sources:
        path = ROOT / source
        if not path.exists():
            continue
        if path.is_file():
            found = (
                (str(path), *item)
                for item in extract_from_file("python", str(path), keywords=KEYWORDS)
            )
        else:
            found = extract_from_dir(str(path), method_map, keywords=KEYWORDS)
        for _file, _line, message, _comments, _context in found:
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def _translated(message: object) -> bool:
    string = message.string  # type: ignore[attr-defined]
    return all(string) if isinstance(string, tuple | list) else bool(string)


def untranslated(language: str, sources: tuple[str, ...] = SOURCE_DIRS) -> list[str]:
    entries = {
        (message.id if isinstance(message.id, str) else message.id[0]): message
        for message in catalogue(language)
        if message.id
    }
    return sorted(
        message_id
        for message_id in extracted_ids(sources)
        if message_id not in entries or not _translated(entries[message_id])
    )


def catalogue(language: str):
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_sources_have_user_facing_strings() -> None:
    assert len(extracted_ids()) > 100


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    missing = untranslated(language)
    assert not missing, f"{language} lacks translations for: {missing[:10]}"
    fuzzy = sorted(str(message.id) for message in catalogue(language) if message.fuzzy)
    assert not fuzzy, f"{language} has fuzzy entries: {fuzzy[:10]}"


@pytest.mark.parametrize("language", CONVERSATION_LANGUAGES)
def test_every_conversation_message_is_translated(language: str) -> None:
    missing = untranslated(language, CONVERSATION_SOURCES)
    assert not missing, f"{language} lacks conversation translations for: {missing[:10]}"


@pytest.mark.parametrize("language", CONVERSATION_LANGUAGES)
def test_plural_messages_have_every_form_of_the_language(language: str) -> None:
    """ "1 man", "3 men": gettext's plural forms, as many as the catalogue's header says."""
    forms = catalogue(language).num_plurals
    plurals = [message for message in catalogue(language) if message.pluralizable]
    assert plurals, "the people counts are plural messages"
    for message in plurals:
        assert len(message.string) == forms and all(message.string), message.id
    _ = Translator(language)
    assert _.plural("{count} man", "{count} men", 1) != _.plural("{count} man", "{count} men", 3)


@pytest.mark.parametrize("language", CONVERSATION_LANGUAGES)
def test_translations_keep_their_placeholders(language: str) -> None:
    for message in catalogue(language):
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(target)), source


def defined_ids(language: str) -> list[str]:
    """Each msgid as written in the .po file (continuation lines joined), in file order."""
    ids: list[str] = []
    current: list[str] | None = None
    lines = (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    for line in [*lines.splitlines(), ""]:
        if line.startswith("msgid "):
            current = [line[len("msgid ") :]]
        elif current is not None and line.startswith('"'):
            current.append(line)
        elif current is not None:
            ids.append("".join(current))
            current = None
    return ids


@pytest.mark.parametrize("language", CONVERSATION_LANGUAGES)
def test_each_message_is_defined_once(language: str) -> None:
    """Branches merge catalogues by union: a message appended twice keeps only its first
    translation in memory, and gettext's own tools refuse the file."""
    ids = defined_ids(language)
    assert len(ids) > 100
    duplicated = sorted({message_id for message_id in ids if ids.count(message_id) > 1})
    assert not duplicated, f"{language} defines these more than once: {duplicated[:5]}"


def test_arabic_is_right_to_left_and_actually_arabic() -> None:
    _ = Translator("ar")
    assert _.right_to_left
    assert re.search(r"[\u0600-\u06FF]", _("Is anyone in danger right now?"))
    assert not Translator("fr").right_to_left
