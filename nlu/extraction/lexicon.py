"""Compile word lists into one regular expression per label, matched on folded text.

Lexicon entries are written naturally ("soldats?", "forces armees"); Arabic entries may carry
the clitics people glue on ("والجيش", "بالشرطة"), so an optional prefix is allowed before them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nlu.text import fold

_ARABIC_CLITICS = r"(?:(?:و|ف)?(?:ب|ل|ك)?(?:ال|لل)?)"


def _alternatives(entries: Iterable[str]) -> str:
    """One regex for a label: Latin entries as they are, Arabic ones behind one clitic group.

    Longer entries come first so that "askari wa polisi" wins over "askari".
    """
    latin, arabic = [], []
    for entry in entries:
        folded = fold(entry)
        (arabic if "\u0600" <= folded[:1] <= "\u06ff" else latin).append(folded)
    options = _by_first_letter(sorted(latin, key=len, reverse=True))
    if arabic:
        options.append(
            _ARABIC_CLITICS + "(?:" + "|".join(sorted(arabic, key=len, reverse=True)) + ")"
        )
    return "|".join(options)


def _by_first_letter(options: list[str]) -> list[str]:
    """The options grouped behind their first letter ("k(?:illed|idnapped)" ...).

    Python's regex engine tries every option at every word start; grouped, a word start
    meets one literal test per letter instead of one attempt per option, which makes the
    long lexicons several times cheaper. An option whose first letter is quantified, or that
    holds a top-level "|", stays as it is. Order (longest first) is kept within a letter.
    """
    groups: dict[str, list[str]] = {}
    kept: list[str] = []
    for option in options:
        first, rest = option[:1], option[1:]
        if first.isalnum() and rest[:1] not in ("?", "*", "+", "{") and not _top_level_bar(rest):
            groups.setdefault(first, []).append(rest)
        else:
            kept.append(option)
    grouped = [
        f"{first}(?:{'|'.join(rests)})" if len(rests) > 1 else first + rests[0]
        for first, rests in groups.items()
    ]
    return grouped + kept


def _top_level_bar(pattern: str) -> bool:
    depth, escaped = 0, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


def words(text: str) -> tuple[str, ...]:
    """Entries of a lexicon written as one string, separated by ";" (entries may be regexes)."""
    return tuple(entry.strip() for entry in text.split(";") if entry.strip())


@dataclass(frozen=True)
class Match:
    """A lexicon hit: the label, the folded words and where they are in the folded text."""

    label: str
    words: str
    start: int
    end: int


class Lexicon:
    """Labels with word lists, found in text in order of appearance."""

    def __init__(self, entries: Mapping[str, Iterable[str]]) -> None:
        parts = []
        self._labels: list[str] = []
        for index, (label, words) in enumerate(entries.items()):
            parts.append(f"(?P<g{index}>{_alternatives(words)})")
            self._labels.append(label)
        self._pattern = re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])")

    def find(self, folded_text: str) -> list[Match]:
        """All non-overlapping hits, leftmost first (text must already be folded)."""
        hits = []
        for found in self._pattern.finditer(folded_text):
            group = found.lastgroup or "g0"
            label = self._labels[int(group[1:])]
            hits.append(Match(label, found.group(0), found.start(), found.end()))
        return hits

    def first(self, folded_text: str, start: int = 0) -> Match | None:
        """The leftmost hit at or after `start`."""
        return self._match(self._pattern.search(folded_text, start))

    def at(self, folded_text: str, position: int) -> Match | None:
        """The hit that begins exactly at `position`, if any."""
        return self._match(self._pattern.match(folded_text, position))

    def _match(self, found: re.Match[str] | None) -> Match | None:
        if found is None:
            return None
        group = found.lastgroup or "g0"
        return Match(self._labels[int(group[1:])], found.group(0), found.start(), found.end())


def original_span(text: str, folded_text: str, start: int, end: int) -> str:
    """The words of `text` behind a span of its folded form.

    Folding usually keeps lengths; when it does not (Arabic diacritics), the span is located
    again by folding prefixes of the original, which only happens for a quoted match.
    """
    if len(text) == len(folded_text):
        return text[start:end]
    begin = _original_offset(text, start)
    finish = _original_offset(text, end)
    return text[begin:finish]


def _original_offset(text: str, folded_offset: int) -> int:
    low, high = 0, len(text)
    while low < high:
        middle = (low + high) // 2
        if len(fold(text[:middle])) < folded_offset:
            low = middle + 1
        else:
            high = middle
    return low
