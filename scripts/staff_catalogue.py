"""Append the staff desk's new message ids to `locales/<lang>/LC_MESSAGES/staff.po`.

Usage: python scripts/staff_catalogue.py [TRANSLATIONS.py]
Extracts `_()` / `N_()` from `staff/` (Python and Jinja2 templates) as `pybabel extract` would
and appends each id missing from a catalogue at its end (never reordering what is there, so
catalogues merge by union across branches). A translations file may define
`T = {id: (french, arabic)}`; ids without one are appended untranslated (the catalogue test
then names them).
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "fr", "ar")
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
HEADER = (
    'msgid ""\nmsgstr ""\n"Project-Id-Version: tocsin\\n"\n"Language: {lang}\\n"\n'
    '"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
)


def extracted_ids() -> list[str]:
    found: list[str] = []
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "staff"), METHODS, keywords={"_": None, "N_": None}
    ):
        message_id = message if isinstance(message, str) else message[0]
        if message_id not in found:
            found.append(message_id)
    return found


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(arguments: list[str]) -> int:
    translations = runpy.run_path(arguments[0])["T"] if arguments else {}
    for index, language in enumerate(LANGUAGES):
        path = ROOT / "locales" / language / "LC_MESSAGES" / "staff.po"
        if not path.exists():
            path.write_text(HEADER.format(lang=language), encoding="utf-8")
        with path.open("rb") as handle:
            present = {message.id for message in read_po(handle, locale=language)}
        lines = []
        for message_id in extracted_ids():
            if message_id in present:
                continue
            if language == "en":
                text = message_id
            else:
                text = translations.get(message_id, ("", ""))[index - 1]
            lines.append(f"\nmsgid {quote(message_id)}\nmsgstr {quote(text)}\n")
        with path.open("a", encoding="utf-8") as handle:
            handle.writelines(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
