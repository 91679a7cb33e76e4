"""The staff desk's own gettext domain (`staff`): every string of the desk in en, fr and ar.

Ids are extracted from `staff/` (Python and Jinja2 templates) as `pybabel extract` would; the
conversation catalogues (`messages`) are checked by test_catalogues.py and carry more
languages than the desk needs.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from locales.i18n import Translator, catalogue_path
from scripts.staff_catalogue import extracted_ids
from staff.i18n import DOMAIN, desk_languages, translator

LANGUAGES = ("en", "fr", "ar")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def entries(language: str) -> dict[str, str]:
    with catalogue_path(language, DOMAIN).open("rb") as handle:
        return {message.id: message.string for message in read_po(handle, locale=language)}


def test_the_desk_has_user_facing_strings_in_code_and_templates() -> None:
    ids = extracted_ids()
    assert "Sign in" in ids and "Too many failed attempts. Try again later." in ids
    assert len(ids) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_desk_string_is_translated_with_its_placeholders(language: str) -> None:
    found = entries(language)
    missing = [message_id for message_id in extracted_ids() if not found.get(message_id)]
    assert not missing, f"staff.po ({language}) lacks: {missing[:10]}"
    for message_id, text in found.items():
        if message_id:
            assert set(PLACEHOLDER.findall(message_id)) == set(PLACEHOLDER.findall(text))


def test_the_desk_domain_is_separate_from_the_conversation_domain() -> None:
    assert set(desk_languages()) == set(LANGUAGES)
    assert translator("fr")("Sign out") == "Se déconnecter"
    assert Translator("fr")("Sign out") == "Sign out", "not a conversation string"
    arabic = translator("ar")
    assert arabic.right_to_left and re.search(r"[\u0600-\u06FF]", arabic("Cases"))
