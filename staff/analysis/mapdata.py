"""Where abuses concentrate: the reader's reports as map points, each as precise as it is.

A point carries how it was placed: a pin the reporter shared (`exact`), a named town
(`place`), or only a region whose centroid stands for it (`admin`, drawn as an area, not a
pin). Reports placed only by country, or not at all, have no point; they are counted so the
map can say how many it cannot show.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from reports.models import Report
from staff.analysis.source import Scope, without_jit
from staff.analysis.writers import valid_point

DRAWN = ("exact", "place", "admin")
MAX_POINTS = 200_000


def _epoch_day(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() // 86400)


async def map_points(engine: AsyncEngine, scope: Scope) -> dict[str, Any]:
    """`points`: [lat, lon, category, people, precision, reference, day, severity] with day
    as days since 1970 (for the time slider); `unplaced`: counts of reports without a point
    by precision; `countries`: those of the points (their region outlines are drawn)."""
    statement = scope.select(
        Report.lat,
        Report.lon,
        Report.category,
        Report.victims,
        Report.location_precision,
        Report.reference,
        Report.created_at,
        Report.severity,
        Report.country,
    ).limit(MAX_POINTS)
    points: list[list[Any]] = []
    unplaced: Counter[str] = Counter()
    countries: set[str] = set()
    async with engine.connect() as connection:
        await without_jit(connection)
        result = await connection.stream(statement.execution_options(yield_per=5000))
        async for row in result:
            precision = row.location_precision or "unknown"
            record = {"lat": row.lat, "lon": row.lon}
            if precision not in DRAWN or not valid_point(record):
                unplaced[precision] += 1
                continue
            if row.country:
                countries.add(row.country.upper())
            points.append(
                [
                    round(row.lat, 5),
                    round(row.lon, 5),
                    row.category,
                    row.victims or 0,
                    precision,
                    row.reference,
                    _epoch_day(row.created_at),
                    row.severity,
                ]
            )
    return {"points": points, "unplaced": dict(unplaced), "countries": sorted(countries)}
