"""Reading the values of a template or file row into a report, with the NLU for free text.

Each field has one reader. A reader either records what it understood or returns a `Fault`
saying why the value cannot be taken; the report is built only when no field is at fault, so
nothing half-read is ever stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from bot.flow.turn import normalise_digits, parse_coordinates
from bot.monitors.template import Fault, FieldText, RawReport, fold_value
from bot.monitors.words import read_yes_no
from locales.i18n import N_, Translator, available_languages
from locales.labels import CATEGORY_LABELS, CATEGORY_PHRASES, PERPETRATOR_LABELS
from nlu import Nlu
from nlu.taxonomy import CATEGORIES, PERPETRATORS
from reports.records import ReportDraft

GRADING = re.compile(r"^\s*([A-Fa-f])\s*[-/.,]?\s*([1-6])\s*$")
ISO_TIME = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2}))?\s*(?:Z|UTC)?\s*$")
LABEL_PARTS = re.compile(r"\s+(?:or|ou|أو)\s+|,|/")
FUTURE_TOLERANCE = timedelta(hours=1)
MAX_VICTIMS = 100_000


@dataclass(frozen=True)
class Reporter:
    """Who files the reports: a pseudonym, never a name."""

    channel: str
    pseudonym: str
    organisation: str | None


@dataclass
class Reading:
    """What one report's readers share: the NLU, the language, the time it arrived."""

    nlu: Nlu
    language: str
    now: datetime
    values: dict[str, Any]

    @property
    def languages(self) -> list[str]:
        """The report's language first, then every other shipped one."""
        return [self.language, *(code for code in shipped_languages() if code != self.language)]


def _fault(text: FieldText, message: str, **values: str) -> Fault:
    return Fault(text.line, text.excerpt, message, {"key": text.word, **values})


@lru_cache(maxsize=1)
def shipped_languages() -> tuple[str, ...]:
    """The languages with a catalogue; read once (a new catalogue needs a restart anyway)."""
    return tuple(available_languages())


TERM_TABLES: dict[str, tuple[dict[str, str], ...]] = {
    "category": (CATEGORY_LABELS, CATEGORY_PHRASES),
    "perpetrator": (PERPETRATOR_LABELS,),
}


@lru_cache(maxsize=64)
def _terms(kind: str, language: str) -> dict[str, str]:
    """Folded labels (and each of their "or" parts) of a kind of id in `language` -> id."""
    _ = Translator(language)
    terms: dict[str, str] = {}
    for table in TERM_TABLES[kind]:
        for identifier, message in table.items():
            translated = _(message)
            terms.setdefault(fold_value(translated), identifier)
            for part in LABEL_PARTS.split(translated):
                if part.strip():
                    terms.setdefault(fold_value(part), identifier)
    return terms


@lru_cache(maxsize=8)
def _folded_ids(ids: tuple[str, ...]) -> dict[str, str]:
    return {fold_value(identifier): identifier for identifier in ids}


def _known_id(value: str, ids: tuple[str, ...], kind: str, reading: Reading) -> str | None:
    """An id typed as itself ("arbitrary_detention") or as its label in any language."""
    folded = fold_value(value)
    if folded in _folded_ids(ids):
        return _folded_ids(ids)[folded]
    for language in reading.languages:
        found = _terms(kind, language).get(folded)
        if found:
            return found
    return None


def read_what(text: FieldText, reading: Reading) -> Fault | None:
    known = _known_id(text.value, CATEGORIES, "category", reading)
    if known:
        reading.values.update(category=known, category_confidence=1.0)
        return None
    result = reading.nlu.classify(text.value, language=reading.language)
    if result.category == "other" or result.confidence < reading.nlu.confidence_threshold:
        return _fault(
            text,
            N_(
                "the kind of incident cannot be told from this; write a category such as "
                "killing or arbitrary_detention (send /template to see them all)"
            ),
        )
    reading.values.update(
        category=result.category,
        category_confidence=result.confidence,
        what_text=text.value,
    )
    return None


def read_who(text: FieldText, reading: Reading) -> Fault | None:
    known = _known_id(text.value, PERPETRATORS, "perpetrator", reading)
    if known:
        reading.values.update(perpetrator=known)
        return None
    perpetrator, _words = reading.nlu.parse_perpetrator(text.value, language=reading.language)
    # a unit's own name is worth keeping even when its type is not recognised
    reading.values.update(perpetrator=perpetrator or "unknown", perpetrator_detail=text.value)
    return None


def read_where(text: FieldText, reading: Reading) -> Fault | None:
    pin = parse_coordinates(text.value)
    if pin is not None:
        nearest = reading.nlu.reverse_geocode(pin.lat, pin.lon)
        reading.values.update(
            lat=pin.lat,
            lon=pin.lon,
            place=nearest.name if nearest else None,
            admin_area=nearest.admin1 if nearest else None,
            country=nearest.country if nearest else None,
            location_precision="exact",
            location_source="pin",
        )
        return None
    candidates = reading.nlu.geotag(text.value, language=reading.language, limit=1)
    if not candidates:
        return _fault(
            text,
            N_("this place is not on the map; write a town nearby, or coordinates as lat,lon"),
        )
    best = candidates[0]
    reading.values.update(
        place=best.name,
        admin_area=best.admin1,
        country=best.country,
        lat=best.lat,
        lon=best.lon,
        location_precision=best.precision or "place",
        location_source="gazetteer",
        location_text=text.value,
    )
    return None


def _iso_time(value: str) -> datetime | None:
    match = ISO_TIME.match(value)
    if match is None:
        return None
    year, month, day, hour, minute = (int(part) if part else None for part in match.groups())
    try:
        return datetime(year, month, day, hour or 0, minute or 0, tzinfo=UTC)  # type: ignore[arg-type]
    except ValueError:
        return None


def read_when(text: FieldText, reading: Reading) -> Fault | None:
    value = normalise_digits(text.value)
    at = _iso_time(value)
    precision = "minute" if at and ":" in value else "day"
    if at is None:
        for language in reading.languages:
            found = reading.nlu.parse_when(value, language=language, now=reading.now)
            if found is not None:
                at, precision = found.at, found.precision
                break
    if at is None:
        return _fault(text, N_("no date or time can be read in this"))
    if at > reading.now + FUTURE_TOLERANCE:
        return _fault(text, N_("this date is in the future"))
    reading.values.update(occurred_at=at, occurred_precision=precision, occurred_text=text.value)
    return None


def read_victims(text: FieldText, reading: Reading) -> Fault | None:
    value = normalise_digits(text.value).strip()
    if value.isdigit():
        count = int(value)
        if count > MAX_VICTIMS:
            return _fault(text, N_("this number is too large"))
        reading.values.update(victims=count, affected_groups={})
        return None
    found = reading.nlu.parse_victims(value, language=reading.language)
    if not found.groups and found.total is None:
        return _fault(
            text, N_("no number of victims can be read in this; write e.g. “3” or “3 men, 1 child”")
        )
    reading.values.update(victims=found.total, affected_groups=dict(found.groups))
    return None


def read_danger(text: FieldText, reading: Reading) -> Fault | None:
    understood, answer = read_yes_no(text.value)
    if not understood:
        return _fault(text, N_("answer “{key}” with yes or no"))
    reading.values.update(immediate_danger=answer)
    return None


def read_source(text: FieldText, reading: Reading) -> Fault | None:
    match = GRADING.match(normalise_digits(text.value))
    if match is None:
        return _fault(
            text,
            N_(
                "this is not a grading: a letter A–F for the source, then a number 1–6 for "
                "the information, e.g. B2"
            ),
        )
    reading.values.update(
        source_reliability=match.group(1).upper(), info_credibility=match.group(2)
    )
    return None


def read_text(text: FieldText, reading: Reading) -> Fault | None:
    reading.values.update(description=text.value)
    return None


READERS: dict[str, Callable[[FieldText, Reading], Fault | None]] = {
    "what": read_what,
    "who": read_who,
    "where": read_where,
    "when": read_when,
    "victims": read_victims,
    "danger": read_danger,
    "source": read_source,
    "text": read_text,
}


def _description(values: dict[str, Any]) -> str | None:
    """The free words of `what` are part of the account; the text follows them."""
    parts = [values.get("what_text"), values.get("description")]
    return "\n\n".join(part for part in parts if part) or None


def _at_fault(text: FieldText, faults: list[Fault]) -> bool:
    """A field whose line already has a fault of shape is not read again."""
    return any(fault.line == text.line and fault.excerpt == text.excerpt for fault in faults)


def read_report(
    raw: RawReport, *, nlu: Nlu, language: str, now: datetime, reporter: Reporter
) -> tuple[ReportDraft | None, list[Fault]]:
    """A draft ready to store, or every fault found in the report (shape and values)."""
    faults = list(raw.faults)
    reading = Reading(nlu=nlu, language=language, now=now, values={})
    for key, text in raw.fields.items():
        if not text.value.strip() or _at_fault(text, faults):
            continue
        fault = READERS[key](text, reading)
        if fault is not None:
            faults.append(fault)
    if faults:
        return None, sorted(faults, key=lambda fault: (fault.line is None, fault.line or 0))
    values = reading.values
    values["description"] = _description(values)
    values.pop("what_text", None)
    return (
        ReportDraft(
            channel=reporter.channel,
            reporter_pseudonym=reporter.pseudonym,
            reporter_role="monitor",
            organisation=reporter.organisation,
            language=language,
            **values,
        ),
        [],
    )
