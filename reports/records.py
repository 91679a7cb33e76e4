"""Plain, decrypted records that cross the storage boundary.

Callers build a `ReportDraft` in clear and get `ReportView`s back in clear; only
`reports.storage` ever sees the sealed columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class MediaUpload:
    """A file the reporter sent: bytes in clear, sealed by storage."""

    kind: str  # photo | voice | audio | video | document
    content: bytes
    mime_type: str | None = None


@dataclass
class ReportDraft:
    """Everything a finished conversation (or a monitor's template) knows about an incident."""

    channel: str
    reporter_pseudonym: str
    language: str
    category: str
    description: str | None = None
    reporter_role: str = "community"
    organisation: str | None = None
    category_confidence: float | None = None
    perpetrator: str | None = None
    perpetrator_detail: str | None = None
    affected_groups: dict[str, int | None] = field(default_factory=dict)
    victims: int | None = None
    occurred_at: datetime | None = None
    occurred_precision: str | None = None
    occurred_text: str | None = None
    lat: float | None = None
    lon: float | None = None
    place: str | None = None
    admin_area: str | None = None
    country: str | None = None
    location_precision: str | None = None
    location_source: str | None = None
    location_text: str | None = None
    severity: str | None = None
    immediate_danger: bool | None = None
    consent_followup: bool = False
    contact: str | None = None
    source_reliability: str | None = None
    info_credibility: str | None = None
    media: list[MediaUpload] = field(default_factory=list)
    # The NLU's reading of the description (Analysis.categories, .confidential, .relevant,
    # .relevance): kept whatever category the person then picks.
    categories: list[str] = field(default_factory=list)
    confidential_reading: bool | None = None
    relevant: bool | None = None
    relevance: float | None = None


@dataclass(frozen=True)
class MediaView:
    id: int
    kind: str
    mime_type: str | None
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class ReportView:
    """A stored report, decrypted for an operator or its own reporter."""

    id: int
    reference: str
    channel: str
    reporter_role: str
    organisation: str | None
    language: str
    category: str
    category_confidence: float | None
    perpetrator: str | None
    perpetrator_detail: str | None
    affected_groups: dict[str, int | None]
    victims: int | None
    occurred_at: datetime | None
    occurred_precision: str | None
    place: str | None
    admin_area: str | None
    country: str | None
    lat: float | None
    lon: float | None
    location_precision: str | None
    location_source: str | None
    description: str | None
    severity: str
    immediate_danger: bool | None
    consent_followup: bool
    status: str
    erased: bool
    source_reliability: str | None
    info_credibility: str | None
    created_at: datetime
    updated_at: datetime
    media: tuple[MediaView, ...] = ()
    additions: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    confidential_reading: bool | None = None
    relevant: bool | None = None
    relevance: float | None = None
    # what the person typed for the place, kept (sealed) whether or not the map knew it
    location_text: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The object of `tocsin reports list --json` (spec/interfaces.md)."""
        return {
            "reference": self.reference,
            "channel": self.channel,
            "reporter_role": self.reporter_role,
            "organisation": self.organisation,
            "language": self.language,
            "category": self.category,
            "category_confidence": self.category_confidence,
            "categories": list(self.categories or (self.category,)),
            "confidential_reading": self.confidential_reading,
            "relevant": self.relevant,
            "relevance": self.relevance,
            "perpetrator": self.perpetrator,
            "perpetrator_detail": self.perpetrator_detail,
            "affected_groups": dict(self.affected_groups),
            "victims": self.victims,
            "place": self.place,
            "admin_area": self.admin_area,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "location_precision": self.location_precision,
            "location_source": self.location_source,
            "location_text": self.location_text,
            "occurred_at": _iso(self.occurred_at),
            "occurred_precision": self.occurred_precision,
            "severity": self.severity,
            "immediate_danger": self.immediate_danger,
            "consent_followup": self.consent_followup,
            "status": self.status,
            "erased": self.erased,
            "source_reliability": self.source_reliability,
            "info_credibility": self.info_credibility,
            "description": self.description,
            "additions": list(self.additions),
            "media": [
                {"kind": m.kind, "mime_type": m.mime_type, "size": m.size_bytes, "sha256": m.sha256}
                for m in self.media
            ],
            "created_at": _iso(self.created_at),
        }


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 with its offset: SQLite hands back naive datetimes, stored as UTC."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
