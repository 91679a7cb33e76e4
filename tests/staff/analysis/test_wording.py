"""Every string of the analysis pages is translated in the desk's catalogues (en, fr, ar)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from locales.i18n import catalogue_path

TEMPLATES = Path(__file__).resolve().parents[3] / "staff" / "templates" / "analysis"
MESSAGE = re.compile(r'_\("((?:[^"\\]|\\.)*)"')
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def template_ids() -> set[str]:
    return {
        match.group(1)
        for path in TEMPLATES.glob("*.html")
        for match in MESSAGE.finditer(path.read_text(encoding="utf-8"))
    }


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_every_analysis_string_is_translated_with_its_placeholders(language: str) -> None:
    with catalogue_path(language, "staff").open("rb") as handle:
        entries = {message.id: message.string for message in read_po(handle) if message.id}
    ids = template_ids()
    assert len(ids) > 50
    missing = sorted(i for i in ids if not entries.get(i))
    assert not missing, f"{language} lacks: {missing[:10]}"
    for message_id in ids:
        wanted = set(PLACEHOLDER.findall(message_id))
        assert set(PLACEHOLDER.findall(entries[message_id])) == wanted, message_id
