"""Plain result types returned by the NLU.

They carry no behaviour beyond serialisation so that the conversation flow, the CLI and the
escalation rules can rely on one shape (`tocsin nlu analyze --json`, spec/interfaces.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PlaceCandidate:
    """One gazetteer match for a place mentioned in text or a reverse-geocoded pin."""

    name: str
    country: str | None
    lat: float
    lon: float
    score: float
    admin1: str | None = None
    population: int = 0
    geonameid: int | None = None
    # "place" (a town or village), "admin" (first-level area), "country"
    precision: str = "place"
    # the words of the text that matched, when the match came from text
    matched: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TimeReading:
    """When something happened, with how precisely the words said it."""

    at: datetime
    # "minute", "hour", "part_of_day", "day", "week", "month", "year"
    precision: str

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "precision": self.precision}


@dataclass(frozen=True)
class VictimReading:
    """Affected groups (group id -> count or None when unknown) and the total count."""

    groups: dict[str, int | None] = field(default_factory=dict)
    total: int | None = None


@dataclass(frozen=True)
class Classification:
    """The category with its calibrated confidence and the ranked alternatives."""

    category: str
    confidence: float
    ranked: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Analysis:
    """Everything the NLU reads from one free-text report."""

    language: str
    language_confidence: float
    category: str
    confidence: float
    ranked_categories: tuple[tuple[str, float], ...]
    perpetrator: str | None
    perpetrator_text: str | None
    affected_groups: dict[str, int | None]
    victims: int | None
    when: TimeReading | None
    places: tuple[PlaceCandidate, ...]
    weapons: tuple[str, ...] = ()
    backend: str = "builtin"
    # every incident type the text tells, primary (`category`) first
    categories: tuple[str, ...] = ()
    # sexual violence or exploitation, or foreign / EU-mission personnel, anywhere in it
    confidential: bool = False
    # an incident report, not a greeting, test, advertisement or rumour telling no act
    relevant: bool = True
    relevance: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `tocsin nlu analyze --json`."""
        return {
            "language": self.language,
            "language_confidence": round(self.language_confidence, 4),
            "category": self.category,
            "categories": list(self.categories or (self.category,)),
            "confidential": self.confidential,
            "relevant": self.relevant,
            "relevance": round(self.relevance, 4),
            "confidence": round(self.confidence, 4),
            "ranked_categories": [[c, round(s, 4)] for c, s in self.ranked_categories],
            "perpetrator": self.perpetrator,
            "perpetrator_text": self.perpetrator_text,
            "affected_groups": dict(self.affected_groups),
            "victims": self.victims,
            "when": self.when.at.isoformat() if self.when else None,
            "when_precision": self.when.precision if self.when else None,
            "places": [p.to_dict() for p in self.places],
            "weapons": list(self.weapons),
            "backend": self.backend,
        }
