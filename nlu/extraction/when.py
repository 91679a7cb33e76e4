"""When it happened, relative to the time of the message.

Most reports say "yesterday evening", "hier soir", "أمس", "jana usiku" or "on 3 May", which a
few multilingual rules read in microseconds. dateparser (with the report's language) reads the
rest, but only for short answers to the "when?" question, because searching long texts with it
costs tens of milliseconds per message. Results are timezone-aware UTC and never in the future.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from nlu.extraction import when_words as W
from nlu.extraction.numbers import word_value
from nlu.result import TimeReading
from nlu.text import fold


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[arg-type]


_B, _E = r"(?<!\w)", r"(?!\w)"
_MONTH = f"(?P<month>{_alternation(W.MONTHS)})"
_DAY_MONTH = re.compile(
    rf"{_B}(?P<day>[0-3]?\d)(?:er|st|nd|rd|th)?\s+(?:de\s+|of\s+)?{_MONTH}\.?(?:\s+(?:de\s+)?(?P<year>\d{{4}}))?{_E}"
)
_MONTH_DAY = re.compile(
    rf"{_B}{_MONTH}\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?(?:\s+(?P<year>\d{{4}}))?{_E}"
)
_MONTH_YEAR = re.compile(rf"{_B}{_MONTH}\s+(?P<year>(?:19|20)\d\d){_E}")
# Year first (ISO 8601, "2025-03-12", "2025/03/12"): machines and careful writers put it so,
# and read day-first it would be a wrong day in a wrong month.
_YEAR_FIRST = re.compile(
    r"(?<![\d/.-])(?P<year>(?:19|20)\d\d)(?P<sep>[/.-])(?P<month>[01]?\d)(?P=sep)(?P<day>[0-3]?\d)(?!\d)"
)
_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<day>[0-3]?\d)[/.-](?P<month>[01]?\d)(?:[/.-](?P<year>\d{2,4}))?(?![\d/])"
)
_RELATIVE_DAY = re.compile(rf"{_B}(?P<word>{_alternation(W.DAY_OFFSETS)}){_E}")
_WEEKDAY = re.compile(rf"{_B}(?P<word>{_alternation(W.WEEKDAYS)}){_E}")
_AGO = re.compile(
    rf"{_B}(?:(?P<pre>{_alternation(W.AGO_BEFORE)})\s+)?(?P<n>\d+|[^\W\d]+)\s+(?P<unit>{_alternation(W.UNITS)})"
    rf"(?:\s+(?P<post>{_alternation(W.AGO_AFTER)}))?{_E}"
)
# Swahili puts the number after the unit: "siku tatu zilizopita".
_AGO_UNIT_FIRST = re.compile(
    rf"{_B}(?P<unit>{_alternation(W.UNITS)})\s+(?P<n>\d+|[^\W\d]+)\s+"
    rf"(?P<post>{_alternation(W.AGO_AFTER)}){_E}"
)
_LAST_UNIT = re.compile(
    rf"{_B}(?:(?:the\s+|la\s+|le\s+)?(?:{_alternation(W.LAST_WORDS)})\s+(?P<a>{_alternation(W.UNITS)})"
    rf"|(?P<b>{_alternation(W.UNITS)})\s+(?:{_alternation(W.LAST_WORDS)})){_E}"
)
_CLOCK = re.compile(
    r"(?<![\d/.:])(?P<hour>[012]?\d)\s*(?:(?:h|:)\s*(?P<minute>[0-5]\d)?|\s*(?P<ampm>am|pm|a\.m\.|p\.m\.))(?![\w])"
)
_PART = re.compile(rf"{_B}(?P<word>{_alternation(W.PARTS_OF_DAY)}){_E}")
_ARTICLES = {"a": 1, "an": 1}  # "a week ago"


def parse_when(
    text: str, now: datetime | None = None, language: str | None = None
) -> TimeReading | None:
    """The time `text` speaks of, or None; `now` is the message time (UTC when naive)."""
    now = _aware(now)
    folded = fold(text)
    day, precision = _read_day(folded, now)
    clock = _read_clock(folded)
    if day is None and clock is None:
        return _fallback(text, now, language)
    base = day if day is not None else now.replace(hour=0, minute=0, second=0, microsecond=0)
    if clock is not None:
        hour, minute, clock_precision = clock
        if precision in ("day", None) or clock_precision in ("hour", "minute"):
            base = base.replace(hour=hour, minute=minute)
            precision = clock_precision
    precision = precision or "day"
    if day is None and base > now + timedelta(hours=1):
        base -= timedelta(days=1)  # "at 18h" said in the morning means yesterday evening
    return TimeReading(at=base.astimezone(UTC), precision=precision)


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _read_day(folded: str, now: datetime) -> tuple[datetime | None, str | None]:
    """A calendar day (midnight, local to `now`) and its precision, from the first cue found."""
    for reader in (_explicit_date, _ago, _relative_day, _weekday, _last_unit):
        found = reader(folded, now)
        if found is not None:
            return found
    return None, None


def _explicit_date(folded: str, now: datetime) -> tuple[datetime, str] | None:
    for pattern in (_YEAR_FIRST, _DAY_MONTH, _MONTH_DAY, _NUMERIC):
        for match in pattern.finditer(folded):
            month_text = match.group("month")
            month = int(month_text) if month_text.isdigit() else W.MONTHS[month_text]
            date = _make_date(now, match.group("year"), month, int(match.group("day")))
            if date is not None:
                return date, "day"
    match = _MONTH_YEAR.search(folded)
    if match:
        date = _make_date(now, match.group("year"), W.MONTHS[match.group("month")], 1)
        if date is not None:
            return date, "month"
    return None


def _make_date(now: datetime, year_text: str | None, month: int, day: int) -> datetime | None:
    year = now.year
    if year_text:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    try:
        date = _midnight(now).replace(year=year, month=month, day=day)
    except ValueError:
        return None
    if not year_text and date > now:
        date = date.replace(year=year - 1)  # "le 28 décembre" said in January
    return date


def _ago(folded: str, now: datetime) -> tuple[datetime, str] | None:
    matches = [*_AGO.finditer(folded), *_AGO_UNIT_FIRST.finditer(folded)]
    for match in matches:
        if not (match.groupdict().get("pre") or match.group("post")):
            continue
        count_text = match.group("n")
        count = word_value(count_text) or _ARTICLES.get(count_text)
        if count is None:
            continue
        unit, days = W.UNITS[match.group("unit")]
        if unit == "hour":
            moment = now - timedelta(hours=count)
            return moment.replace(minute=0, second=0, microsecond=0), "hour"
        return _midnight(now - timedelta(days=count * days)), unit
    return None


def _relative_day(folded: str, now: datetime) -> tuple[datetime, str] | None:
    match = _RELATIVE_DAY.search(folded)
    if match is None:
        return None
    word = match.group("word")
    day = _midnight(now - timedelta(days=W.DAY_OFFSETS[word]))
    if word in W.PARTS_OF_DAY:  # "hier soir", "last night" carry their part of the day
        return day.replace(hour=W.PARTS_OF_DAY[word]), "part_of_day"
    return day, "day"


def _weekday(folded: str, now: datetime) -> tuple[datetime, str] | None:
    match = _WEEKDAY.search(folded)
    if match is None:
        return None
    back = (now.weekday() - W.WEEKDAYS[match.group("word")]) % 7
    return _midnight(now - timedelta(days=back)), "day"


def _last_unit(folded: str, now: datetime) -> tuple[datetime, str] | None:
    match = _LAST_UNIT.search(folded)
    if match is None:
        return None
    unit, days = W.UNITS[match.group("a") or match.group("b")]
    if unit == "hour":
        return None
    return _midnight(now - timedelta(days=days)), unit


def _read_clock(folded: str) -> tuple[int, int, str] | None:
    """(hour, minute, precision) from "18h30", "6pm", "à 6h", or a part of the day."""
    for match in _CLOCK.finditer(folded):
        hour = int(match.group("hour"))
        minute = int(match.group("minute") or 0)
        ampm = (match.group("ampm") or "").replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        if hour <= 23:
            return hour, minute, "minute" if match.group("minute") else "hour"
    match = _PART.search(folded)
    if match:
        return W.PARTS_OF_DAY[match.group("word")], 0, "part_of_day"
    return None


_FALLBACK_MAX_WORDS = 6
_DATEPARSER_LOCK = threading.Lock()


def _fallback(text: str, now: datetime, language: str | None) -> TimeReading | None:
    """dateparser, in the report's language, for short answers the rules did not read."""
    words = text.split()
    if not language or language == "und" or not words or len(words) > _FALLBACK_MAX_WORDS:
        return None  # without a language dateparser tries them all: 100+ ms a call
    if not any(c.isalpha() for c in text):
        return None
    parsed = _dateparser(text.strip().lower(), language, now.replace(second=0, microsecond=0))
    if parsed is None or parsed > now + timedelta(hours=1):
        return None
    # dateparser fills missing clock fields with midnight or with the current time
    clock = (parsed.hour, parsed.minute)
    precision = "day" if clock in ((0, 0), (now.hour, now.minute)) else "minute"
    if precision == "day":
        parsed = _midnight(parsed)
    return TimeReading(at=parsed.astimezone(UTC), precision=precision)


@lru_cache(maxsize=512)
def _dateparser(text: str, language: str, now: datetime) -> datetime | None:
    import dateparser

    settings = {
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "REQUIRE_PARTS": [],
    }
    try:
        with _DATEPARSER_LOCK:  # its lazy per-language loading is not thread-safe
            return dateparser.parse(text, languages=[language], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; a non-date is None
        return None
