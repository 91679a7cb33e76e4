"""Does the mechanism answer people in time? Accountability figures over the reader's scope.

For all reports, and by country, category, channel, desk, affected group and supported unit:
how many, how many staff acknowledged and how fast (median and 90th percentile), how many
reporters heard back and how fast, people affected, and open cases by age. On PostgreSQL the
figures are grouped in the database (`staff.analysis.metrics_pg`: four statements at once, the
percentiles taken here from their packed times); on SQLite the per-report facts are read and
summed up here. Both use one percentile definition (`staff.analysis.percentiles`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from staff.analysis.facts import (
    AGE_BUCKETS,
    DIMENSIONS,
    desks_statement,
    facts_statement,
    groups_statement,
)
from staff.analysis.metrics_pg import tally_figures
from staff.analysis.percentiles import median_and_p90, percentile
from staff.analysis.source import Scope, without_jit

__all__ = ["Figures", "Table", "accountability", "percentile"]


@dataclass
class Figures:
    """The figures of one group of reports."""

    key: str
    reports: int = 0
    acknowledged: int = 0
    ack_median: float | None = None
    ack_p90: float | None = None
    with_feedback: int = 0
    feedback_median: float | None = None
    feedback_p90: float | None = None
    people: int = 0
    open_by_age: dict[str, int] = field(default_factory=lambda: {n: 0 for n, _ in AGE_BUCKETS})

    def to_json(self) -> dict[str, Any]:
        def seconds(value: float | None) -> float | None:
            return None if value is None else round(float(value), 1)

        return {
            "key": self.key,
            "reports": self.reports,
            "acknowledged": self.acknowledged,
            "time_to_ack_seconds": {
                "median": seconds(self.ack_median),
                "p90": seconds(self.ack_p90),
            },
            "with_feedback": self.with_feedback,
            "feedback_share": round(self.with_feedback / self.reports, 4) if self.reports else 0,
            "time_to_feedback_seconds": {
                "median": seconds(self.feedback_median),
                "p90": seconds(self.feedback_p90),
            },
            "people_affected": self.people,
            "open_by_age": dict(self.open_by_age),
        }


Table = dict[str, list[Figures]]


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


async def accountability(
    engine: AsyncEngine, scope: Scope, now: datetime, desks: dict[str, str] | None = None
) -> Table:
    """Figures by dimension (see `DIMENSIONS`), each list ordered by number of reports."""
    if engine.dialect.name == "postgresql":
        tally = await tally_figures(engine, scope, now, desks or {}, Figures)
        table = _table(tally.done())
    else:
        table = await figures_from_facts(engine, scope, now, desks or {})
    for name in DIMENSIONS:
        table.setdefault(name, [])
        table[name].sort(key=lambda figures: (-figures.reports, figures.key))
    return table


async def figures_from_facts(
    engine: AsyncEngine, scope: Scope, now: datetime, desks: dict[str, str]
) -> Table:
    """The figures summed up here from every report's facts (SQLite's way, and on PostgreSQL
    the reference its grouped statements must agree with)."""
    facts = facts_statement(scope, now).cte("facts")
    async with engine.connect() as connection:
        await without_jit(connection)
        rows = (await connection.execute(select(facts))).all()
        groups = (await connection.execute(groups_statement(facts))).all()
        pairs = (await connection.execute(desks_statement(facts, desks))).all()
    return _summed_here(rows, groups, pairs)


def _table(groups: Iterable[tuple[str, Figures]]) -> Table:
    table: Table = defaultdict(list)
    for dimension, figures in groups:
        table[dimension].append(figures)
    return dict(table)


class _Accumulator:
    def __init__(self, key: str) -> None:
        self.figures = Figures(key=key)
        self.ack: list[float] = []
        self.feedback: list[float] = []

    def add(self, row: Any, people: int | None) -> None:
        figures = self.figures
        figures.reports += 1
        figures.people += people or 0
        created = _aware(row.created_at)
        if row.ack_at is not None:
            self.ack.append((_aware(row.ack_at) - created).total_seconds())
        if row.feedback_at is not None:
            self.feedback.append((_aware(row.feedback_at) - created).total_seconds())
        if row.age is not None:
            figures.open_by_age[row.age] += 1

    def done(self) -> Figures:
        figures = self.figures
        self.ack.sort()
        self.feedback.sort()
        figures.acknowledged, figures.with_feedback = len(self.ack), len(self.feedback)
        figures.ack_median, figures.ack_p90 = median_and_p90(self.ack)
        figures.feedback_median, figures.feedback_p90 = median_and_p90(self.feedback)
        return figures


def _summed_here(rows: list[Any], named_groups: list[Any], pairs: list[Any]) -> Table:
    """SQLite: the same figures summed up in Python from the per-report facts, their
    (report, group, people) rows and their (report, desk) pairs."""
    groups: dict[tuple[str, str], _Accumulator] = {}

    def add(dimension: str, key: Any, row: Any, people: int | None) -> None:
        name = str(key) if key is not None else ""
        accumulator = groups.setdefault((dimension, name), _Accumulator(name))
        accumulator.add(row, people)

    desks: dict[int, list[str]] = defaultdict(list)
    for report_id, desk in pairs:
        desks[report_id].append(desk)
    named: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for report_id, group, people in named_groups:
        named[report_id].append((group, people))
    for row in rows:
        add("all", "all", row, row.victims)
        for dimension in ("country", "category", "channel"):
            add(dimension, getattr(row, dimension), row, row.victims)
        if row.supported_unit is not None:
            add("supported_unit", row.supported_unit, row, row.victims)
        for group, people in named.get(row.id, ()):
            add("affected_group", group, row, people)
        for desk in desks.get(row.id, ()):
            add("desk", desk, row, row.victims)
    return _table((dimension, acc.done()) for (dimension, _), acc in groups.items())
