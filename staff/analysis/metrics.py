"""Does the mechanism answer people in time? Accountability figures over the reader's scope.

For all reports, and by country, category, channel, desk, affected group and supported unit:
how many, how many staff acknowledged and how fast (median and 90th percentile), how many
reporters heard back and how fast, people affected, and open cases by age. On PostgreSQL the
whole table is one query (percentiles in the database, over a hundred thousand reports well
within half a second); on SQLite the per-report facts are read and summed up here, with the
same percentile definition (linear interpolation, as `percentile_cont`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    Integer,
    String,
    cast,
    func,
    literal,
    literal_column,
    select,
    true,
)
from sqlalchemy import case as sql_case
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine

from staff.analysis.facts import AGE_BUCKETS, DIMENSIONS, desks_statement, facts_statement
from staff.analysis.source import Scope, without_jit


def percentile(values: list[float], share: float) -> float | None:
    """`percentile_cont`: linear interpolation between the closest ranks of sorted values."""
    if not values:
        return None
    rank = (len(values) - 1) * share
    low, high = math.floor(rank), math.ceil(rank)
    return values[low] + (values[high] - values[low]) * (rank - low)


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
SHARES = literal([0.5, 0.9], ARRAY(Float))  # one sort gives both percentiles


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


async def accountability(
    engine: AsyncEngine, scope: Scope, now: datetime, desks: dict[str, str] | None = None
) -> Table:
    """Figures by dimension (see `DIMENSIONS`), each list ordered by number of reports."""
    facts = facts_statement(scope, now).cte("facts")
    async with engine.connect() as connection:
        await without_jit(connection)
        if engine.dialect.name == "postgresql":
            rows = (await connection.execute(_in_database(facts, desks or {}))).all()
            table = _table(_from_database(row) for row in rows)
        else:
            rows = (await connection.execute(select(facts))).all()
            pairs = (await connection.execute(desks_statement(facts, desks or {}))).all()
            table = _summed_here(rows, pairs)
    for name in DIMENSIONS:
        table.setdefault(name, [])
        table[name].sort(key=lambda figures: (-figures.reports, figures.key))
    return table


def _table(groups: Iterable[tuple[str, Figures]]) -> Table:
    table: Table = defaultdict(list)
    for dimension, figures in groups:
        table[dimension].append(figures)
    return dict(table)


def _branch(facts: Any, dimension: str, key: Any, people: Any, source: Any = None) -> Any:
    columns = (
        literal(dimension, String).label("dim"),
        cast(key, String).label("key"),
        facts.c.created_at,
        facts.c.ack_at,
        facts.c.feedback_at,
        facts.c.age,
        people.label("people"),
    )
    return select(*columns).select_from(source if source is not None else facts)


def _in_database(facts: Any, desks: dict[str, str]) -> Any:
    """PostgreSQL: every dimension's figures in one grouped query over the facts."""
    objects = sql_case(
        (func.json_typeof(facts.c.affected_groups) == "object", facts.c.affected_groups),
        else_=cast(literal_column("'{}'"), JSON),
    )
    groups = func.json_each_text(objects).table_valued("key", "value").alias("g")
    pinged = desks_statement(facts, desks).subquery("pinged")
    branches = [
        _branch(facts, "all", literal("all"), facts.c.victims),
        _branch(facts, "country", facts.c.country, facts.c.victims),
        _branch(facts, "category", facts.c.category, facts.c.victims),
        _branch(facts, "channel", facts.c.channel, facts.c.victims),
        _branch(facts, "supported_unit", facts.c.supported_unit, facts.c.victims).where(
            facts.c.supported_unit.is_not(None)
        ),
        _branch(
            facts,
            "affected_group",
            groups.c.key,
            cast(groups.c.value, Integer),
            facts.join(groups, true()),
        ),
        _branch(
            facts,
            "desk",
            pinged.c.desk,
            facts.c.victims,
            facts.join(pinged, pinged.c.id == facts.c.id),
        ),
    ]
    every = branches[0].union_all(*branches[1:]).subquery("every")
    to_ack = func.extract("epoch", every.c.ack_at - every.c.created_at)
    to_feedback = func.extract("epoch", every.c.feedback_at - every.c.created_at)
    return select(
        every.c.dim,
        every.c.key,
        func.count(),
        func.count(every.c.ack_at),
        func.percentile_cont(SHARES).within_group(to_ack),
        func.count(every.c.feedback_at),
        func.percentile_cont(SHARES).within_group(to_feedback),
        func.coalesce(func.sum(every.c.people), 0),
        *(func.count().filter(every.c.age == name) for name, _ in AGE_BUCKETS),
    ).group_by(every.c.dim, every.c.key)


def _from_database(row: Any) -> tuple[str, Figures]:
    dimension, key, *values = row
    ack, feedback = values[2] or (None, None), values[4] or (None, None)
    figures = Figures(
        key=key or "",
        reports=values[0],
        acknowledged=values[1],
        ack_median=ack[0],
        ack_p90=ack[1],
        with_feedback=values[3],
        feedback_median=feedback[0],
        feedback_p90=feedback[1],
        people=int(values[5] or 0),
    )
    figures.open_by_age = {name: values[6 + i] for i, (name, _) in enumerate(AGE_BUCKETS)}
    return dimension, figures


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
        figures.ack_median, figures.ack_p90 = percentile(self.ack, 0.5), percentile(self.ack, 0.9)
        figures.feedback_median = percentile(self.feedback, 0.5)
        figures.feedback_p90 = percentile(self.feedback, 0.9)
        return figures


def _summed_here(rows: list[Any], pairs: list[Any]) -> Table:
    """SQLite: the same figures summed up in Python from the per-report facts."""
    groups: dict[tuple[str, str], _Accumulator] = {}

    def add(dimension: str, key: Any, row: Any, people: int | None) -> None:
        name = str(key) if key is not None else ""
        accumulator = groups.setdefault((dimension, name), _Accumulator(name))
        accumulator.add(row, people)

    desks: dict[int, list[str]] = defaultdict(list)
    for report_id, desk in pairs:
        desks[report_id].append(desk)
    for row in rows:
        add("all", "all", row, row.victims)
        for dimension in ("country", "category", "channel"):
            add(dimension, getattr(row, dimension), row, row.victims)
        if row.supported_unit is not None:
            add("supported_unit", row.supported_unit, row, row.victims)
        for group, count in (row.affected_groups or {}).items():
            add("affected_group", group, row, count if isinstance(count, int) else None)
        for desk in desks.get(row.id, ()):
            add("desk", desk, row, row.victims)
    return _table((dimension, acc.done()) for (dimension, _), acc in groups.items())
