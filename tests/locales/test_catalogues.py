"""Every user-facing string has a translation in every shipped catalogue.

The message ids are extracted from the sources exactly as `pybabel extract` would, so a new
`_("...")` without catalogue entries fails here, before a person sees English in an Arabic chat.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from locales.i18n import LOCALES_DIR, Translator

ROOT = Path(__file__).resolve().parents[2]
# the staff desk has its own domain and catalogue test (tests/locales/test_staff_catalogue.py)
SOURCE_DIRS = ("bot", "tocsin", "escalation", "locales")
REQUIRED_LANGUAGES = ("en", "fr", "ar")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def extracted_ids() -> set[str]:
    ids: set[str] = set()
    method_map = [("**.py", "python")]
    for folder in SOURCE_DIRS:
        path = ROOT / folder
        if not path.exists():
            continue
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(path), method_map, keywords={"_": None, "N_": None}
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def catalogue(language: str):
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_sources_have_user_facing_strings() -> None:
    assert len(extracted_ids()) > 100


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    entries = {message.id: message for message in catalogue(language) if message.id}
    missing = sorted(
        message_id
        for message_id in extracted_ids()
        if message_id not in entries or not entries[message_id].string
    )
    assert not missing, f"{language} lacks translations for: {missing[:10]}"
    fuzzy = sorted(message.id for message in entries.values() if message.fuzzy)
    assert not fuzzy, f"{language} has fuzzy entries: {fuzzy[:10]}"


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_translations_keep_their_placeholders(language: str) -> None:
    for message in catalogue(language):
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(target)), source


def test_arabic_is_right_to_left_and_actually_arabic() -> None:
    _ = Translator("ar")
    assert _.right_to_left
    assert re.search(r"[\u0600-\u06FF]", _("Is anyone in danger right now?"))
    assert not Translator("fr").right_to_left
