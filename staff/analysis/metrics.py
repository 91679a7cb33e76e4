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
    tuple_,
)
from sqlalchemy import case as sql_case
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine

from staff.analysis.facts import AGE_BUCKETS, DIMENSIONS, desks_statement, facts_statement, pings
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
            await connection.exec_driver_sql("SET LOCAL work_mem = '32MB'")  # sorts in memory
            rows = (await connection.execute(_in_database(facts, desks or {}))).all()
            table = _table(found for found in map(_from_database, rows) if found is not None)
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


# The grouping sets of the per-report dimensions, and how PostgreSQL's GROUPING() bitmask
# over (country, category, channel, supported_unit) names each (a bit is set for a column
# the set does not group by).
GROUPED = ("country", "category", "channel", "supported_unit")
SET_OF_MASK = {15: "all", 7: "country", 11: "category", 13: "channel", 14: "supported_unit"}


def _figures_columns(source: Any, people: Any) -> list[Any]:
    """count, acknowledged, [median, p90] to ack, with feedback, [median, p90] to feedback,
    people affected, open cases per age bucket: one group's figures."""
    return [
        func.count(),
        func.count(source.c.to_ack),
        func.percentile_cont(SHARES).within_group(source.c.to_ack),
        func.count(source.c.to_feedback),
        func.percentile_cont(SHARES).within_group(source.c.to_feedback),
        func.coalesce(func.sum(people), 0),
        *(func.count().filter(source.c.age == name) for name, _ in AGE_BUCKETS),
    ]


def _in_database(facts: Any, desks: dict[str, str]) -> Any:
    """PostgreSQL: every dimension's figures in one statement over the facts, read once
    (materialised): the per-report dimensions as grouping sets of one aggregation, the
    affected groups and the desks (several per report) as two more. Seconds are
    `date_part`'s double precision, not `extract`'s numeric, which sorts several times
    slower."""
    timed = (
        select(
            facts,
            func.date_part("epoch", facts.c.ack_at - facts.c.created_at).label("to_ack"),
            func.date_part("epoch", facts.c.feedback_at - facts.c.created_at).label("to_feedback"),
        )
        .cte("timed")
        .prefix_with("MATERIALIZED")
    )
    mask = func.grouping(*(timed.c[name] for name in GROUPED))
    key = sql_case(
        *((mask == bits, cast(timed.c[name], String)) for bits, name in _MASK_COLUMN.items()),
        else_=literal("all", String),
    )
    per_report = select(
        cast(mask, String).label("dim"), key.label("key"), *_figures_columns(timed, timed.c.victims)
    ).group_by(
        func.grouping_sets(literal_column("()"), *(tuple_(timed.c[name]) for name in GROUPED))
    )
    objects = sql_case(
        (func.json_typeof(timed.c.affected_groups) == "object", timed.c.affected_groups),
        else_=cast(literal_column("'{}'"), JSON),
    )
    groups = func.json_each_text(objects).table_valued("key", "value").alias("g")
    by_group = (
        select(
            literal("affected_group", String),
            groups.c.key,
            *_figures_columns(timed, cast(groups.c.value, Integer)),
        )
        .select_from(timed.join(groups, true()))
        .group_by(groups.c.key)
    )
    pinged = pings(desks)
    by_desk = (
        select(literal("desk", String), pinged.c.desk, *_figures_columns(timed, timed.c.victims))
        .select_from(timed.join(pinged, pinged.c.alert_id == timed.c.alert_id))
        .group_by(pinged.c.desk)
    )
    return per_report.union_all(by_group, by_desk)


_MASK_COLUMN = {7: "country", 11: "category", 13: "channel", 14: "supported_unit"}


def _from_database(row: Any) -> tuple[str, Figures] | None:
    dimension, key, *values = row
    dimension = SET_OF_MASK.get(int(dimension), "") if dimension.isdigit() else dimension
    if dimension == "supported_unit" and key is None:
        return None  # reports whose incident names no unit
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
