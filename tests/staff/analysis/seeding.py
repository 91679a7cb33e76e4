"""Writing reports and what happened to them straight into the database, for analysis tests
and the analysis benchmark.

A `Seed` says what a report is and what staff did with it (acknowledged after so long, the
reporter told after so long, which desk was pinged, which unit its incident names);
`seed_reports` writes the rows the real code would have written (report, its affected groups,
incident, membership, audit entries, deliveries, questions) in bulk, so a test states its
scenario and a benchmark writes a hundred thousand reports in seconds.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.models import Alert, AlertReport, Delivery, StaffQuestion
from reports.affected import group_rows
from reports.crypto import Keyring
from reports.models import AuditEntry, Report, ReportGroup
from reports.sealing import field_context

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
BATCH = 5000


@dataclass
class Seed:
    """One report and its history; durations are from its `created_at`."""

    created_at: datetime = T0
    category: str = "arbitrary_detention"
    country: str | None = "ML"
    admin_area: str | None = "Mopti"
    place: str | None = "Sévaré"
    lat: float | None = 14.53
    lon: float | None = -4.10
    location_precision: str | None = "place"
    channel: str = "telegram"
    perpetrator: str | None = "army"
    perpetrator_detail: str | None = None
    severity: str = "medium"
    status: str = "received"
    victims: int | None = None
    affected_groups: dict[str, int | None] = field(default_factory=dict)
    description: str | None = "Soldiers took three men from the market."
    confidential: bool = False
    unit: str | None = None
    desks: tuple[str, ...] = ("telegram:-1001",)
    acknowledged_after: timedelta | None = None
    noticed_after: timedelta | None = None
    asked_after: timedelta | None = None
    erased: bool = False


def reference_of(number: int) -> str:
    digits = f"{number:08d}"
    return f"TX-{digits[:4]}-{digits[4:]}"


def _after(start: datetime, *durations: timedelta | None) -> datetime | None:
    """The first of the moments `start + duration` (what the real code stores as it goes)."""
    moments = [start + duration for duration in durations if duration is not None]
    return min(moments) if moments else None


def _report_row(number: int, seed: Seed, keyring: Keyring) -> dict[str, Any]:
    reference = reference_of(number)

    def seal(column: str, value: str | None) -> bytes | None:
        return keyring.encrypt_text(value, context=field_context(reference, column))

    return {
        "id": number,
        "reference": reference,
        "channel": seed.channel,
        "reporter_pseudonym": f"p{number:063d}",
        "reporter_role": "community",
        "language": "fr",
        "category": seed.category,
        "perpetrator": seed.perpetrator,
        "perpetrator_detail_enc": seal("perpetrator_detail", seed.perpetrator_detail),
        "affected_groups": dict(seed.affected_groups),
        "victims": seed.victims,
        "occurred_at": seed.created_at - timedelta(hours=2),
        "lat": seed.lat,
        "lon": seed.lon,
        "place": seed.place,
        "admin_area": seed.admin_area,
        "country": seed.country,
        "location_precision": seed.location_precision,
        "location_source": "gazetteer" if seed.lat is not None else None,
        "description_enc": seal("description", seed.description),
        "severity": seed.severity,
        "consent_followup": seed.noticed_after is not None,
        "status": seed.status,
        "first_ack_at": _after(seed.created_at, seed.acknowledged_after),
        "first_notice_at": _after(
            seed.created_at, *(d for d in (seed.noticed_after, seed.asked_after) if d is not None)
        ),
        "erased": seed.erased,
        "created_at": seed.created_at,
        "updated_at": seed.created_at,
    }


def _alert_row(number: int, seed: Seed) -> dict[str, Any]:
    return {
        "id": number,
        "kind": "incident",
        "category": seed.category,
        "severity": seed.severity,
        "country": seed.country,
        "admin_area": seed.admin_area,
        "lat": seed.lat,
        "lon": seed.lon,
        "confidential": seed.confidential,
        "supported_unit": seed.unit,
        "report_count": 1,
        "first_report_id": number,
        "state": "acknowledged" if seed.acknowledged_after is not None else "open",
        "rules": {},
        "chain_level": 0,
        "version": 1,
        "created_at": seed.created_at,
        "updated_at": seed.created_at,
    }


def _history(number: int, seed: Seed) -> dict[str, list[dict[str, Any]]]:
    """Audit entries, deliveries and questions of one report."""
    at = seed.created_at
    audit = [{"at": at, "actor": "reporter", "action": "submitted", "report_id": number}]
    deliveries = [
        {
            "alert_id": number,
            "target": desk,
            "purpose": "ping",
            "dedupe_key": f"ping:{number}:{desk}",
            "payload": {},
            "state": "sent",
            "sent_at": at,
            "created_at": at,
            "available_at": at,
        }
        for desk in seed.desks
    ]
    questions = []
    if seed.acknowledged_after is not None:
        audit.append(
            {
                "at": at + seed.acknowledged_after,
                "actor": "staff:telegram:42",
                "action": "status",
                "report_id": number,
                "detail": "received->triaged",
            }
        )
    if seed.noticed_after is not None:
        deliveries.append(
            {
                "alert_id": None,
                "target": f"reporter:{number}",
                "purpose": "notice",
                "dedupe_key": f"notice:{number}:triaged",
                "payload": {"status": "triaged"},
                "state": "sent",
                "sent_at": at + seed.noticed_after,
                "created_at": at + seed.noticed_after,
                "available_at": at + seed.noticed_after,
            }
        )
    if seed.asked_after is not None:
        questions.append(
            {
                "alert_id": number,
                "report_id": number,
                "channel": "telegram",
                "chat_id": "-1001",
                "asked_by": "42",
                "state": "asked",
                "created_at": at + seed.asked_after,
                "asked_at": at + seed.asked_after,
            }
        )
    return {"audit": audit, "deliveries": deliveries, "questions": questions}


def _chunks(items: Iterable[Seed], size: int) -> Iterator[list[Seed]]:
    chunk: list[Seed] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def seed_reports(
    engine: AsyncEngine, keyring: Keyring, seeds: Iterable[Seed], first: int = 1
) -> list[str]:
    """Write every seed (each report its own incident); returns the references in order."""
    references: list[str] = []
    number = first
    for chunk in _chunks(seeds, BATCH):
        rows: dict[str, list[dict[str, Any]]] = {
            "reports": [],
            "groups": [],
            "alerts": [],
            "members": [],
            "audit": [],
            "deliveries": [],
            "questions": [],
        }
        for seed in chunk:
            rows["reports"].append(_report_row(number, seed, keyring))
            rows["groups"].extend(group_rows(number, seed.affected_groups))
            rows["alerts"].append(_alert_row(number, seed))
            rows["members"].append(
                {"report_id": number, "alert_id": number, "joined_at": seed.created_at}
            )
            for key, values in _history(number, seed).items():
                rows[key].extend(values)
            references.append(reference_of(number))
            number += 1
        async with engine.begin() as connection:
            for model, key in (
                (Report, "reports"),
                (ReportGroup, "groups"),
                (Alert, "alerts"),
                (AlertReport, "members"),
                (AuditEntry, "audit"),
                (Delivery, "deliveries"),
                (StaffQuestion, "questions"),
            ):
                if rows[key]:
                    await connection.execute(insert(model), rows[key])
    if engine.dialect.name == "postgresql":
        await _advance_sequences(engine)
    return references


async def _advance_sequences(engine: AsyncEngine) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; later inserts must not collide."""
    from sqlalchemy import text

    async with engine.begin() as connection:
        for table in ("reports", "escalation_alerts"):
            await connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            )


# A seeded country for maps and benchmarks: towns of central Mali with their coordinates.
TOWNS: tuple[tuple[str, str, float, float], ...] = (
    ("Mopti", "Mopti", 14.4843, -4.1827),
    ("Sévaré", "Mopti", 14.5333, -4.1000),
    ("Djenné", "Mopti", 13.9061, -4.5533),
    ("Bandiagara", "Mopti", 14.3500, -3.6100),
    ("Ségou", "Ségou", 13.4317, -6.2157),
    ("Niono", "Ségou", 14.2526, -5.9930),
    ("Tombouctou", "Tombouctou", 16.7735, -3.0074),
    ("Gao", "Gao", 16.2717, -0.0447),
)
CATEGORIES = (
    "killing",
    "arbitrary_detention",
    "physical_assault",
    "extortion_corruption",
    "property_destruction_looting",
    "sexual_violence",
)
GROUPS = ("women", "men", "children", "elderly", "minority", "refugee_idp")


def random_seeds(count: int, *, seed: int = 7, start: datetime = T0) -> Iterator[Seed]:
    """`count` varied reports over about ninety days: towns, categories, groups, histories."""
    rng = random.Random(seed)
    span = 90 * 86400
    for i in range(count):
        place, area, lat, lon = rng.choice(TOWNS)
        category = rng.choice(CATEGORIES)
        precision = rng.choices(("exact", "place", "admin"), weights=(3, 5, 2))[0]
        groups = {g: rng.choice((None, rng.randint(1, 6))) for g in rng.sample(GROUPS, 2)}
        yield Seed(
            created_at=start + timedelta(seconds=int(span * i / max(count, 1))),
            category=category,
            country="ML",
            admin_area=area,
            place=place if precision != "admin" else None,
            lat=lat + rng.uniform(-0.05, 0.05),
            lon=lon + rng.uniform(-0.05, 0.05),
            location_precision=precision,
            channel=rng.choice(("telegram", "whatsapp", "sms")),
            severity=rng.choice(("low", "medium", "high", "critical")),
            victims=rng.choice((None, rng.randint(1, 12))),
            affected_groups=groups,
            confidential=category == "sexual_violence",
            unit=rng.choice((None, None, None, "GTIA 8")),
            desks=(rng.choice(("telegram:-1001", "telegram:-1002")),),
            acknowledged_after=rng.choice((None, timedelta(minutes=rng.randint(1, 600)))),
            noticed_after=rng.choice((None, timedelta(hours=rng.randint(1, 72)))),
            description=f"Report number {i}: soldiers came to {place or area}.",
        )
