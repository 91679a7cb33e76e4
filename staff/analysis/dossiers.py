"""Which supported units keep appearing: per-unit summaries and due-diligence dossiers.

A unit is known by the registry (`supported_units.yml`); its reports are those whose incident
names it. A dossier says what is known about one unit in a period: incidents over time, by
category and severity, open and verified cases, and the references of its reports, never
who reported them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.models import Alert
from escalation.units import Unit, UnitRegistry
from reports.models import Report
from staff.analysis.facts import OPEN_STATUSES
from staff.analysis.source import Scope, without_jit

MAX_REFERENCES = 2000


@dataclass
class UnitSummary:
    unit: Unit
    reports: int = 0
    open: int = 0
    verified: int = 0
    last: datetime | None = None


@dataclass
class Dossier:
    unit: Unit
    reports: int = 0
    by_month: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    references: list[dict[str, Any]] = field(default_factory=list)

    @property
    def open(self) -> int:
        return sum(self.by_status.get(status, 0) for status in OPEN_STATUSES)

    @property
    def verified(self) -> int:
        return self.by_status.get("verified", 0)


def registered_units(registry: UnitRegistry, seen: list[str]) -> list[Unit]:
    """The registry's units, then any unit an incident names that the registry lacks
    (a renamed or removed entry must not hide its reports)."""
    units = list(registry.units)
    names = {unit.name for unit in units}
    for name in seen:
        if name not in names:
            units.append(Unit(id=_slug(name), name=name))
    return units


def _slug(name: str) -> str:
    cleaned = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return (cleaned or "unit")[:64]


async def summaries(engine: AsyncEngine, scope: Scope, registry: UnitRegistry) -> list[UnitSummary]:
    """Every unit with its number of visible reports, open and verified, newest first."""
    statement = scope.select(
        Alert.supported_unit,
        func.count(),
        func.count(case((Report.status.in_(OPEN_STATUSES), 1))),
        func.count(case((Report.status == "verified", 1))),
        func.max(Report.created_at),
    ).where(Alert.supported_unit.is_not(None))
    statement = statement.group_by(Alert.supported_unit)
    async with engine.connect() as connection:
        await without_jit(connection)
        rows = {row[0]: row for row in (await connection.execute(statement)).all()}
    found = []
    for unit in registered_units(registry, sorted(rows)):
        row = rows.get(unit.name)
        if row is None:
            found.append(UnitSummary(unit))
        else:
            found.append(UnitSummary(unit, row[1], row[2], row[3], row[4]))
    return sorted(found, key=lambda s: (-s.reports, s.unit.name))


def find_unit(registry: UnitRegistry, unit_id: str, seen: list[str]) -> Unit | None:
    for unit in registered_units(registry, seen):
        if unit.id == unit_id:
            return unit
    return None


async def dossier(engine: AsyncEngine, scope: Scope, unit: Unit) -> Dossier:
    """What the reader may know about `unit` under the scope's filter (its unit set)."""
    statement = scope.select(
        Report.reference,
        Report.created_at,
        Report.occurred_at,
        Report.category,
        Report.severity,
        Report.status,
        Report.place,
        Report.admin_area,
        Report.country,
        Report.victims,
        Report.source_reliability,
        Report.info_credibility,
    ).order_by(Report.created_at.desc(), Report.id.desc())
    found = Dossier(unit)
    months: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    async with engine.connect() as connection:
        await without_jit(connection)
        for row in (await connection.execute(statement)).all():
            found.reports += 1
            months[row.created_at.strftime("%Y-%m")] += 1
            categories[row.category] += 1
            severities[row.severity] += 1
            statuses[row.status] += 1
            if len(found.references) < MAX_REFERENCES:
                found.references.append(dict(row._mapping))
    found.by_month = dict(sorted(months.items()))
    found.by_category = dict(categories.most_common())
    found.by_severity = dict(severities.most_common())
    found.by_status = dict(statuses.most_common())
    return found
