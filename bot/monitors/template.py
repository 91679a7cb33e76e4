"""Splitting a `#report` message into reports and `key: value` fields, without judging values.

This is the shape of the template only: which report, which key, which line. Reading the
values (categories, places, times) is `bot.monitors.reading`. Faults are collected, never
raised, so one reply can name every faulty line at once.

Fields are separated by new lines or by `;` (also the Arabic `؛`), so one line works in the
console and by SMS. After `text:` everything that is not a known key belongs to the text,
including later lines and semicolons: the description is the person's own words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.monitors.words import (
    REQUIRED_KEYS,
    display_key,
    fold,
    key_of,
    languages_of_key,
    trigger_language,
)
from locales.i18n import N_

SEPARATOR = re.compile(r"[;؛]")
BATCH_LINE = re.compile(r"^\s*-{3,}\s*$")
KEY_VALUE = re.compile(r"^\s*([^:：]{1,40}?)\s*[:：](.*)$", re.DOTALL)
LOOKS_LIKE_KEY = re.compile(r"^[^\W\d_]+(?:[ '’-][^\W\d_]+){0,2}$")
EXCERPT_CHARS = 40


@dataclass(frozen=True)
class Fault:
    """Why one line (or file row) cannot be taken; `message` is a msgid with `{names}`."""

    line: int | None
    excerpt: str
    message: str
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass
class FieldText:
    key: str
    word: str  # the key as the person typed it, for naming it back
    line: int
    excerpt: str
    value: str


@dataclass
class RawReport:
    """One report of a message (or one file row): its fields as typed, and its faults."""

    number: int
    fields: dict[str, FieldText] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    votes: Counter[str] = field(default_factory=Counter)
    first_line: int = 1

    def language(self, fallback: str) -> str:
        """The language most of its words (hashtag and keys) were in; ties go to `fallback`."""
        if not self.votes:
            return fallback
        best = max(self.votes.values())
        leaders = [language for language, count in self.votes.items() if count == best]
        return fallback if fallback in leaders else leaders[0]


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def template_language(text: str) -> str | None:
    """The language of the hashtag that opens `text`, or None when it is not a template."""
    stripped = text.lstrip()
    if not stripped.startswith(("#", "＃")):
        return None
    first_word = stripped.split(None, 1)[0]
    return trigger_language(first_word)


def _strip_trigger(line: str, report: RawReport) -> str:
    """Remove an opening hashtag from a report's first line, counting its language."""
    match = re.match(r"\s*(\S+)(.*)$", line, re.DOTALL)
    if match is None:
        return line
    language = trigger_language(match.group(1))
    if language is None:
        return line
    report.votes[language] += 1
    return match.group(2)


def _spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each `;`-separated piece of a line."""
    spans, start = [], 0
    for separator in SEPARATOR.finditer(line):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, len(line)))
    return spans


class _Reader:
    """Reads the lines of one report, one `key: value` piece at a time."""

    def __init__(self, report: RawReport) -> None:
        self.report = report
        self.current: str | None = None
        self.seen_content = False
        self._text_prefix = ""
        self._text_line: int | None = None
        self._text_start = 0

    def read_line(self, number: int, line: str) -> None:
        for start, end in _spans(line):
            piece = line[start:end]
            if not piece.strip():
                continue
            self.seen_content = True
            match = KEY_VALUE.match(piece)
            known = key_of(match.group(1)) if match else None
            if match is not None and known is not None:
                self._open_field(number, piece, match, known[0])
                if self.current == "text":
                    self._text_prefix, self._text_line = "", number
                    self._text_start = start + match.start(2)
                    self._extend_text(number, line, self._text_start, end)
            elif self.current == "text":
                self._extend_text(number, line, start, end)
            else:
                self._fault_line(number, piece, match)

    def _open_field(self, number: int, piece: str, match: re.Match[str], key: str) -> None:
        word = match.group(1).strip()
        for language in languages_of_key(word):
            self.report.votes[language] += 1
        if key in self.report.fields:
            self.report.faults.append(
                Fault(number, excerpt(piece), N_("“{key}” is given twice; keep one"), {"key": word})
            )
            self.current = None
            return
        self.report.fields[key] = FieldText(
            key, word, number, excerpt(piece), match.group(2).strip()
        )
        self.current = key

    def _extend_text(self, number: int, line: str, start: int, end: int) -> None:
        """More words of the description, kept as typed (with their `;`)."""
        text = self.report.fields["text"]
        if self._text_line != number:
            self._text_prefix = f"{text.value}\n" if text.value else ""
            self._text_line, self._text_start = number, start
        text.value = (self._text_prefix + line[self._text_start : end].strip()).strip()

    def _fault_line(self, number: int, piece: str, match: re.Match[str] | None) -> None:
        if match and LOOKS_LIKE_KEY.match(match.group(1).strip()):
            fault = Fault(
                number,
                excerpt(piece),
                N_("“{key}” is not a key of the template (send /template to see them)"),
                {"key": match.group(1).strip()},
            )
        else:
            fault = Fault(number, excerpt(piece), N_("this is not “key: value”"))
        self.report.faults.append(fault)
        self.current = None


def check_complete(report: RawReport, language: str) -> None:
    """Missing required keys and empty values become faults of the report."""
    for key in REQUIRED_KEYS:
        if key not in report.fields:
            report.faults.append(
                Fault(
                    None,
                    "",
                    N_("there is no “{key}:” line"),
                    {"key": display_key(key, report.language(language))},
                )
            )
    for text in report.fields.values():
        if not text.value.strip():
            report.faults.append(
                Fault(text.line, text.excerpt, N_("“{key}” has no value"), {"key": text.word})
            )


def split_template(text: str, fallback_language: str) -> list[RawReport]:
    """The reports of a `#report` message, each with its fields and its faults of shape."""
    reports: list[RawReport] = []
    report = RawReport(number=1)
    reader = _Reader(report)
    for number, raw_line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if BATCH_LINE.match(raw_line):
            if reader.seen_content or report.votes:
                reports.append(report)
                report = RawReport(number=len(reports) + 1, first_line=number + 1)
                reader = _Reader(report)
            continue
        line = raw_line
        if not reader.seen_content:
            line = _strip_trigger(raw_line, report)
        reader.read_line(number, line)
    if reader.seen_content or report.votes or not reports:
        reports.append(report)
    for each in reports:
        check_complete(each, fallback_language)
    return reports


def fold_value(value: str) -> str:
    """A value folded for comparing with ids and labels: "Arbitrary detention" matches
    "arbitrary_detention"."""
    return fold(value).replace("-", " ").replace("_", " ")
