"""PostgreSQL: the accountability figures computed in the database, in three statements run at
once on three pooled connections.

What costs is sorting: a median and a 90th percentile need each group's times in order. So
each statement asks for the two ordered-set aggregates only, over the reports that have a
time at all; the counts (reports, acknowledged, heard back, people, open cases by age) come
from one hash aggregation by every combination of the per-report dimensions and age, added up
here (a few hundred rows), rather than from ten aggregates per grouping set. The per-report
dimensions (all, country, category, channel, supported unit), the affected groups (rows of
`report_groups`, no JSON parsed) and the desks (the incident's pings) are independent, so
they run side by side: on two cores the wall time is that of the slowest, not the sum.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import (
    Float,
    Integer,
    String,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    tuple_,
)
from sqlalchemy import case as sql_case
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine

from reports.models import ReportGroup
from staff.analysis.facts import pings
from staff.analysis.source import without_jit

SHARES = literal([0.5, 0.9], ARRAY(Float))  # one sort gives both percentiles
# The per-report dimensions; the first three are grouping sets of one aggregation, named by
# PostgreSQL's GROUPING() bitmask over them (a bit is set for a column the set does not group
# by). The unit is grouped on its own, over the reports whose incident names one.
GROUPED = ("country", "category", "channel", "supported_unit")
SETS = GROUPED[:3]
SET_OF_MASK = {7: "all", 3: "country", 5: "category", 6: "channel"}
COMBINATION = "combination"  # a counts row of the per-report statement
TIMES = "times"  # a percentiles row of the per-report statement


class Row(NamedTuple):
    """The one shape of every statement's rows: a percentiles row (`kind` TIMES: dimension,
    key, ack and feedback as [median, p90]) or a counts row (`kind` COMBINATION with the
    per-report dimensions and age, or the dimension's name with key and age)."""

    kind: str
    dimension: str | None
    key: str | None
    country: str | None
    category: str | None
    channel: str | None
    supported_unit: str | None
    age: str | None
    reports: int | None
    acknowledged: int | None
    with_feedback: int | None
    people: int | None
    ack: list[float] | None
    feedback: list[float] | None


def _seconds(later: Any, earlier: Any) -> Any:
    return func.date_part("epoch", later - earlier)


def _timed(facts: Any, *names: str) -> Any:
    """The facts with their times in seconds (`date_part`'s double precision, which sorts
    several times faster than `extract`'s numeric), read once by the statement (materialised)."""
    return (
        select(
            *(facts.c[name] for name in names),
            facts.c.age,
            _seconds(facts.c.ack_at, facts.c.created_at).label("to_ack"),
            _seconds(facts.c.feedback_at, facts.c.created_at).label("to_feedback"),
        )
        .cte("timed")
        .prefix_with("MATERIALIZED")
    )


def _percentiles(timed: Any) -> list[Any]:
    return [
        func.percentile_cont(SHARES).within_group(timed.c.to_ack),
        func.percentile_cont(SHARES).within_group(timed.c.to_feedback),
    ]


def _counts(timed: Any, people: Any) -> list[Any]:
    return [
        func.count(),
        func.count(timed.c.to_ack),
        func.count(timed.c.to_feedback),
        func.coalesce(func.sum(people), 0),
    ]


def _no(kind: Any, count: int) -> list[Any]:
    return [cast(null(), kind) for _ in range(count)]


def _any_time(timed: Any) -> Any:
    return or_(timed.c.to_ack.is_not(None), timed.c.to_feedback.is_not(None))


def figures_per_report(facts: Any) -> Any:
    """All, country, category, channel and supported unit: their percentiles (grouping sets,
    and the units apart), their counts by every combination of the four and the age bucket."""
    timed = _timed(facts, *GROUPED, "victims")
    mask = func.grouping(*(timed.c[name] for name in SETS))
    key = sql_case(
        *((mask == bits, cast(timed.c[name], String)) for bits, name in _MASK_COLUMN.items()),
        else_=literal("all", String),
    )
    times = (
        select(
            literal(TIMES, String),
            cast(mask, String),
            key,
            *_no(String, 5),
            *_no(Integer, 4),
            *_percentiles(timed),
        )
        .where(_any_time(timed))
        .group_by(
            func.grouping_sets(literal_column("()"), *(tuple_(timed.c[name]) for name in SETS))
        )
    )
    unit = timed.c.supported_unit
    units = (
        select(
            literal(TIMES, String),
            literal("supported_unit", String),
            unit,
            *_no(String, 5),
            *_no(Integer, 4),
            *_percentiles(timed),
        )
        .where(unit.is_not(None), _any_time(timed))
        .group_by(unit)
    )
    grouped = [*(timed.c[name] for name in GROUPED), timed.c.age]
    combinations = select(
        literal(COMBINATION, String),
        *_no(String, 2),
        *(cast(column, String) for column in grouped),
        *_counts(timed, timed.c.victims),
        *_no(ARRAY(Float), 2),
    ).group_by(*grouped)
    return times.union_all(units, combinations)


_MASK_COLUMN = {3: "country", 5: "category", 6: "channel"}


def _by_one(dimension: str, rows: Any) -> Any:
    """One dimension whose reports count once per key (a report names several groups, an
    incident is pinged to several desks), over `rows` (key, people, age, times) read once:
    percentiles by key, counts by key and age."""
    times = (
        select(
            literal(TIMES, String),
            literal(dimension, String),
            rows.c.key,
            *_no(String, 5),
            *_no(Integer, 4),
            *_percentiles(rows),
        )
        .where(_any_time(rows))
        .group_by(rows.c.key)
    )
    counts = select(
        literal(dimension, String),
        literal(dimension, String),
        rows.c.key,
        *_no(String, 4),
        rows.c.age,
        *_counts(rows, rows.c.people),
        *_no(ARRAY(Float), 2),
    ).group_by(rows.c.key, rows.c.age)
    return times.union_all(counts)


def _keyed(facts: Any, key: Any, people: Any, joined: Any, on: Any) -> Any:
    """The facts joined to what names their keys, with times in seconds, materialised."""
    return (
        select(
            key.label("key"),
            people.label("people"),
            facts.c.age,
            _seconds(facts.c.ack_at, facts.c.created_at).label("to_ack"),
            _seconds(facts.c.feedback_at, facts.c.created_at).label("to_feedback"),
        )
        .select_from(facts.join(joined, on))
        .cte("keyed")
        .prefix_with("MATERIALIZED")
    )


def figures_by_group(facts: Any) -> Any:
    """By affected group: a report counts under each group it names, with that group's
    people."""
    on = ReportGroup.report_id == facts.c.id
    rows = _keyed(facts, ReportGroup.name, ReportGroup.people, ReportGroup, on)
    return _by_one("affected_group", rows)


def figures_by_desk(facts: Any, desks: dict[str, str]) -> Any:
    """By desk: a report counts under each desk its incident was pinged to."""
    pinged = pings(desks)
    on = pinged.c.alert_id == facts.c.alert_id
    return _by_one("desk", _keyed(facts, pinged.c.desk, facts.c.victims, pinged, on))


async def _rows(engine: AsyncEngine, statement: Any) -> list[Row]:
    async with engine.connect() as connection:
        await without_jit(connection)
        await connection.exec_driver_sql("SET LOCAL work_mem = '32MB'")  # sorts in memory
        return [Row(*row) for row in (await connection.execute(statement)).all()]


async def figure_rows(engine: AsyncEngine, facts: Any, desks: dict[str, str]) -> list[Row]:
    """The rows of the three statements, run concurrently on connections of the pool."""
    statements = (
        figures_per_report(facts),
        figures_by_group(facts),
        figures_by_desk(facts, desks),
    )
    answers = await asyncio.gather(*(_rows(engine, statement) for statement in statements))
    return [row for rows in answers for row in rows]


class Tally:
    """Figures of every (dimension, key), added up from the statements' rows."""

    def __init__(self, make: Any) -> None:
        self.make = make
        self.groups: dict[tuple[str, str], Any] = {}

    def of(self, dimension: str, key: Any) -> Any:
        name = str(key) if key is not None else ""
        found = self.groups.get((dimension, name))
        if found is None:
            found = self.groups[(dimension, name)] = self.make(name)
        return found

    def count(self, dimension: str, key: Any, row: Row) -> None:
        figures = self.of(dimension, key)
        figures.reports += row.reports
        figures.acknowledged += row.acknowledged
        figures.with_feedback += row.with_feedback
        figures.people += int(row.people or 0)
        if row.age is not None:
            figures.open_by_age[row.age] += row.reports

    def add(self, row: Row) -> None:
        if row.kind == TIMES:
            dimension = (
                SET_OF_MASK.get(int(row.dimension), "")
                if row.dimension.isdigit()
                else row.dimension
            )
            if dimension == "supported_unit" and row.key is None:
                return  # reports whose incident names no unit
            figures = self.of(dimension, row.key)
            figures.ack_median, figures.ack_p90 = row.ack or (None, None)
            figures.feedback_median, figures.feedback_p90 = row.feedback or (None, None)
        elif row.kind == COMBINATION:
            self.count("all", "all", row)
            for dimension in ("country", "category", "channel"):
                self.count(dimension, getattr(row, dimension), row)
            if row.supported_unit is not None:
                self.count("supported_unit", row.supported_unit, row)
        else:
            self.count(row.kind, row.key, row)

    def done(self) -> Iterable[tuple[str, Any]]:
        return ((dimension, figures) for (dimension, _), figures in self.groups.items())
