"""Whether things are getting worse: counts over time and by kind, as charts with tables.

Every chart is a `Chart`: labels, named series of numbers, and the same numbers as table rows
(for the page, for screen readers and for the chart's CSV link). Time is bucketed by day, or
by week (starting Monday) when the reports span more than ninety days.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.models import Alert
from nlu.taxonomy import AFFECTED_GROUPS, SEVERITIES
from reports.models import Report
from staff.analysis.source import Scope, without_jit

TOP_AREAS = 8
WEEKLY_AFTER_DAYS = 90
OVER_TIME = ("category", "perpetrator", "admin_area", "channel")


@dataclass
class Chart:
    """One chart's numbers: `series[name][i]` is the value at `labels[i]`."""

    id: str
    kind: str  # "stacked" (bars over time), "bar" (one value per label)
    labels: list[str]
    series: dict[str, list[int]]
    markers: list[dict[str, Any]] = field(default_factory=list)

    def rows(self) -> list[list[Any]]:
        """The table: one row per label, one column per series."""
        names = list(self.series)
        return [[label, *(self.series[n][i] for n in names)] for i, label in enumerate(self.labels)]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "labels": self.labels,
            "series": self.series,
            "markers": self.markers,
        }


def bucket_of(moment: datetime, weekly: bool) -> str:
    day = moment.date()
    if weekly:
        day -= timedelta(days=day.weekday())
    return day.isoformat()


def _labels(first: date, last: date, weekly: bool) -> list[str]:
    step = timedelta(days=7 if weekly else 1)
    if weekly:
        first -= timedelta(days=first.weekday())
    labels, day = [], first
    while day <= last:
        labels.append(day.isoformat())
        day += step
    return labels


async def _rows(engine: AsyncEngine, statement: Any) -> list[Any]:
    async with engine.connect() as connection:
        await without_jit(connection)
        return list((await connection.execute(statement)).all())


async def over_time(engine: AsyncEngine, scope: Scope) -> list[Chart]:
    """Reports per day (or week) by category, perpetrator, area and channel; severity; groups.

    The scope's rows are read once with only the columns the charts count."""
    statement = scope.select(
        Report.created_at,
        Report.category,
        Report.perpetrator,
        Report.admin_area,
        Report.channel,
        Report.severity,
        Report.affected_groups,
    )
    rows = await _rows(engine, statement)
    if not rows:
        return []
    moments = [row.created_at for row in rows]
    first, last = min(moments).date(), max(moments).date()
    weekly = (last - first).days > WEEKLY_AFTER_DAYS
    labels = _labels(first, last, weekly)
    index = {label: i for i, label in enumerate(labels)}
    charts = []
    top_areas = {
        a for a, _ in Counter(r.admin_area for r in rows if r.admin_area).most_common(TOP_AREAS)
    }
    for dimension in OVER_TIME:
        series: dict[str, list[int]] = defaultdict(lambda: [0] * len(labels))
        for row in rows:
            key = getattr(row, dimension) or "unknown"
            if dimension == "admin_area" and key not in top_areas and key != "unknown":
                key = "other"
            series[key][index[bucket_of(row.created_at, weekly)]] += 1
        ordered = dict(sorted(series.items(), key=lambda item: -sum(item[1])))
        charts.append(Chart(f"by_{dimension}", "stacked", labels, ordered))
    charts.append(_severity(rows))
    charts.append(_groups(rows))
    return charts


def _severity(rows: list[Any]) -> Chart:
    counts = Counter(row.severity for row in rows)
    return Chart("severity", "bar", list(SEVERITIES), {"reports": [counts[s] for s in SEVERITIES]})


def _groups(rows: list[Any]) -> Chart:
    """Reports naming each affected group, and the people counted in them."""
    named: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for row in rows:
        for group, count in (row.affected_groups or {}).items():
            named[group] += 1
            people[group] += count if isinstance(count, int) else 0
    labels = [group for group in AFFECTED_GROUPS if named[group]]
    return Chart(
        "affected_groups",
        "bar",
        labels,
        {"reports": [named[g] for g in labels], "people": [people[g] for g in labels]},
    )


async def surge_markers(
    engine: AsyncEngine, countries: tuple[str, ...], since: datetime | None
) -> list[dict[str, Any]]:
    """Where and when the surge detector fired (surges are never confidential)."""
    statement = select(
        Alert.created_at, Alert.country, Alert.admin_area, Alert.report_count, Alert.expected_count
    ).where(Alert.kind == "surge")
    if countries:
        statement = statement.where(Alert.country.in_(countries))
    if since is not None:
        statement = statement.where(Alert.created_at >= since)
    rows = await _rows(engine, statement.order_by(Alert.created_at).limit(500))
    return [
        {
            "day": row.created_at.date().isoformat(),
            "country": row.country,
            "area": row.admin_area,
            "reports": row.report_count,
            "expected": round(row.expected_count or 0, 1),
        }
        for row in rows
    ]


def mark_surges(chart: Chart, markers: list[dict[str, Any]]) -> None:
    """Put each surge on the bucket of the time chart it falls in."""
    if not chart.labels:
        return
    weekly = len(chart.labels) > 1 and chart.labels[1] != _next_day(chart.labels[0])
    for marker in markers:
        moment = datetime.fromisoformat(marker["day"])
        bucket = bucket_of(moment, weekly)
        if bucket in chart.labels:
            chart.markers.append({**marker, "label": bucket})


def _next_day(label: str) -> str:
    return (date.fromisoformat(label) + timedelta(days=1)).isoformat()


def count_query(scope: Scope) -> Any:
    return scope.select(func.count())
