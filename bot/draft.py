"""The report a person is telling, answer by answer, before it is stored.

A typed record rather than a dict of string keys, so that a step that writes `occured_at`
fails in the type checker and in tests instead of silently losing the answer. It is kept in
the sealed session between messages, as plain JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

# A place as the gazetteer describes it (`nlu` Candidate.to_dict()): name, admin1, country,
# lat, lon, score, precision, ... Kept as the NLU gives it, since the NLU owns its shape.
PlaceCandidate = dict[str, Any]
# A file held for the report: kind, mime_type and base64 content.
StagedFile = dict[str, Any]

LOCATION_FIELDS = (
    "place",
    "place_id",
    "admin_area",
    "country",
    "lat",
    "lon",
    "location_precision",
    "location_source",
    "location_text",
)


@dataclass
class Draft:
    """Every answer of a report in progress; None means "not given (yet)"."""

    description: str | None = None
    category: str | None = None
    category_confidence: float | None = None
    # the NLU's reading of the account, kept whatever category the person then picks, so a
    # story that tells of sexual violence is routed confidentially even if another act is chosen
    categories: list[str] = field(default_factory=list)
    confidential_reading: bool | None = None
    relevant: bool | None = None
    relevance: float | None = None
    # places read in the account or the typed answer, offered for confirmation or choice
    place_candidates: list[PlaceCandidate] = field(default_factory=list)
    perpetrator: str | None = None
    perpetrator_detail: str | None = None
    affected_groups: dict[str, int] = field(default_factory=dict)
    victims: int | None = None
    affected_text: str | None = None  # the person's words when no count could be read
    occurred_at: str | None = None  # ISO 8601
    occurred_precision: str | None = None  # minute, hour, day, week, month, year
    occurred_text: str | None = None
    place: str | None = None
    place_id: int | None = None  # its GeoNames id, to name it in the person's language
    admin_area: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    location_precision: str | None = None
    location_source: str | None = None  # pin, gazetteer, text
    location_text: str | None = None
    immediate_danger: bool | None = None
    consent_followup: bool | None = None
    media: list[StagedFile] = field(default_factory=list)

    def __bool__(self) -> bool:
        """True once anything of a report was given: a report is in progress."""
        return self != Draft()

    @property
    def started(self) -> bool:
        return bool(self)

    def to_dict(self) -> dict[str, Any]:
        """Only what was given, so a session stays small and old sessions stay readable."""
        empty = _EMPTY
        return {key: value for key, value in vars(self).items() if value != empty[key]}

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> Draft:
        """A draft from its saved form; keys of older versions that no field knows are dropped."""
        known = _FIELD_NAMES
        return cls(**{key: value for key, value in (raw or {}).items() if key in known})

    def clear_location(self) -> None:
        for name in LOCATION_FIELDS:
            setattr(self, name, None)


_FIELD_NAMES = frozenset(item.name for item in fields(Draft))
_EMPTY: dict[str, Any] = vars(Draft())
