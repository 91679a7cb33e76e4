"""PostgreSQL: the accountability figures from four grouping statements run at once, with no
sort in the database.

A median and a 90th percentile need each group's times in order, and sorting them for every
dimension was most of the figures' cost. Here each statement groups the reader's reports by
the finest key it needs in one hash aggregation: counts, people and open cases by age, and
each group's times packed as raw doubles (`float8send`, concatenated by `string_agg`), which
cross the wire as a few bytes strings instead of a hundred thousand values. The desk then
joins the packed times of every key of a dimension, sorts them once in C (numpy) and
interpolates as `percentile_cont` does (`staff.analysis.percentiles`).

The statements are independent, so they run side by side on pooled connections:
- by country, category, channel and age bucket (the totals, countries, categories and
  channels are added up from these rows): over the reports alone, the incident joins left
  out by the planner unless the filter needs them;
- by supported unit, over the reports whose incident names one;
- by affected group (rows of `report_groups`, each with its own people);
- by desk (the incident's pings).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import LargeBinary, func, literal
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.models import Alert, AlertReport
from reports.models import Report, ReportGroup
from staff.analysis.facts import age_bucket, pings
from staff.analysis.percentiles import packed_percentiles
from staff.analysis.source import Scope, without_jit

PER_REPORT = ("country", "category", "channel")  # the dimensions of one statement's rows
NO_BYTES = literal(b"", LargeBinary)


def _seconds_since_created(moment: Any) -> Any:
    return func.date_part("epoch", moment - Report.created_at)


def _packed(moment: Any) -> Any:
    """The times (seconds from the report to `moment`) of a group's reports as big-endian
    doubles, one after another; NULL moments are left out, an empty group gives NULL."""
    doubles = func.float8send(_seconds_since_created(moment))
    return func.string_agg(doubles, NO_BYTES, type_=LargeBinary)


def _figures(people: Any) -> list[Any]:
    """Reports, acknowledged, heard back, people, then the packed times to each."""
    return [
        func.count(),
        func.count(Report.first_ack_at),
        func.count(Report.first_notice_at),
        func.coalesce(func.sum(people), 0),
        _packed(Report.first_ack_at),
        _packed(Report.first_notice_at),
    ]


def figures_per_report(scope: Scope, now: datetime) -> Any:
    """By every combination of country, category, channel and age bucket."""
    keys = [Report.country, Report.category, Report.channel, age_bucket(now)]
    return scope.select(*keys, *_figures(Report.victims)).group_by(*keys)


def figures_by_unit(scope: Scope, now: datetime) -> Any:
    """By the supported unit the report's incident names, and age bucket."""
    keys = [Alert.supported_unit, age_bucket(now)]
    return (
        scope.select(*keys, *_figures(Report.victims))
        .where(Alert.supported_unit.is_not(None))
        .group_by(*keys)
    )


def figures_by_group(scope: Scope, now: datetime) -> Any:
    """By affected group: a report counts under each group it names, with that group's
    people."""
    keys = [ReportGroup.name, age_bucket(now)]
    return (
        scope.select(*keys, *_figures(ReportGroup.people))
        .join(ReportGroup, ReportGroup.report_id == Report.id)
        .group_by(*keys)
    )


def figures_by_desk(scope: Scope, now: datetime, desks: dict[str, str]) -> Any:
    """By desk: a report counts under each desk its incident was pinged to."""
    pinged = pings(desks)
    keys = [pinged.c.desk, age_bucket(now)]
    return (
        scope.select(*keys, *_figures(Report.victims))
        .join(pinged, pinged.c.alert_id == AlertReport.alert_id)
        .group_by(*keys)
    )


@dataclass
class _Pending:
    """One (dimension, key) being added up: its figures, and its times still packed."""

    figures: Any
    ack: list[bytes] = field(default_factory=list)
    feedback: list[bytes] = field(default_factory=list)

    def add(self, age: str | None, counts: tuple[Any, ...]) -> None:
        reports, acknowledged, with_feedback, people, ack, feedback = counts
        figures = self.figures
        figures.reports += reports
        figures.acknowledged += acknowledged
        figures.with_feedback += with_feedback
        figures.people += int(people or 0)
        if age is not None:
            figures.open_by_age[age] += reports
        if ack:
            self.ack.append(ack)
        if feedback:
            self.feedback.append(feedback)

    def done(self) -> Any:
        figures = self.figures
        if self.ack:
            figures.ack_median, figures.ack_p90 = packed_percentiles(self.ack)
        if self.feedback:
            figures.feedback_median, figures.feedback_p90 = packed_percentiles(self.feedback)
        return figures


class Tally:
    """Figures of every (dimension, key), added up from the statements' rows."""

    def __init__(self, make: Callable[[str], Any]) -> None:
        self.make = make
        self.groups: dict[tuple[str, str], _Pending] = {}

    def add(self, dimension: str, key: Any, age: str | None, counts: tuple[Any, ...]) -> None:
        name = str(key) if key is not None else ""
        pending = self.groups.get((dimension, name))
        if pending is None:
            pending = self.groups[(dimension, name)] = _Pending(self.make(name))
        pending.add(age, counts)

    def done(self) -> Iterable[tuple[str, Any]]:
        return ((dimension, pending.done()) for (dimension, _), pending in self.groups.items())


async def _rows(engine: AsyncEngine, statement: Any) -> list[Any]:
    async with engine.connect() as connection:
        await without_jit(connection)
        # Each statement makes a few dozen groups, but the planner, which cannot see through
        # the age bucket's CASE, expects one per row and would sort every row to group them
        # (spilling to disk): hash them, in memory.
        await connection.exec_driver_sql("SET LOCAL enable_sort = off")
        await connection.exec_driver_sql("SET LOCAL work_mem = '32MB'")
        return list((await connection.execute(statement)).all())


async def tally_figures(
    engine: AsyncEngine, scope: Scope, now: datetime, desks: dict[str, str], make: Any
) -> Tally:
    """Run the four statements concurrently and add their rows up by dimension."""
    per_report, units, groups, pinged = await asyncio.gather(
        _rows(engine, figures_per_report(scope, now)),
        _rows(engine, figures_by_unit(scope, now)),
        _rows(engine, figures_by_group(scope, now)),
        _rows(engine, figures_by_desk(scope, now, desks)),
    )
    tally = Tally(make)
    for country, category, channel, age, *counts in per_report:
        figures = tuple(counts)
        tally.add("all", "all", age, figures)
        for dimension, key in zip(PER_REPORT, (country, category, channel), strict=True):
            tally.add(dimension, key, age, figures)
    for dimension, rows in (
        ("supported_unit", units),
        ("affected_group", groups),
        ("desk", pinged),
    ):
        for key, age, *counts in rows:
            tally.add(dimension, key, age, tuple(counts))
    return tally
