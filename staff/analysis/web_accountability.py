"""`/staff/accountability` and `/staff/api/metrics`: does the mechanism answer in time?

The page shows each dimension's figures as a table with a CSV link; the API answers the
same figures as JSON, with counts by affected group and by supported unit.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from staff.analysis.config import analysis_settings
from staff.analysis.facts import AGE_BUCKETS, DIMENSIONS
from staff.analysis.metrics import Table, accountability
from staff.analysis.scope import read_filter, reader_scope
from staff.analysis.web_exports import stream_file
from staff.auth import audit, require_role, staff_context

routes = web.RouteTableDef()


async def read_table(request: web.Request) -> tuple[Table, dict[str, str]]:
    context = staff_context(request)
    case_filter = read_filter(request)
    scope = reader_scope(request, case_filter)
    desks = analysis_settings(request).desks
    table = await accountability(context.database, scope, context.clock.now(), desks)
    return table, case_filter.to_query()


def metrics_json(table: Table, query: dict[str, str], now: Any) -> dict[str, Any]:
    by = {name: [f.to_json() for f in table[name]] for name in DIMENSIONS if name != "all"}
    overall = table["all"][0].to_json() if table["all"] else None
    return {
        "generated_at": now.isoformat(),
        "filter": query,
        "overall": overall,
        "by": by,
        "affected_groups": {
            f.key: {"reports": f.reports, "people": f.people} for f in table["affected_group"]
        },
        "supported_units": {f.key: f.reports for f in table["supported_unit"]},
    }


@routes.get("/api/metrics", name="api_metrics")
@require_role()
async def api_metrics(request: web.Request) -> web.StreamResponse:
    table, query = await read_table(request)
    await audit(request, "metrics_read", detail=json.dumps(query, sort_keys=True))
    return web.json_response(metrics_json(table, query, staff_context(request).clock.now()))


@routes.get("/accountability", name="accountability")
@require_role()
async def accountability_page(request: web.Request) -> web.StreamResponse:
    table, query = await read_table(request)
    await audit(request, "metrics_read", detail=json.dumps(query, sort_keys=True))
    values = {
        "table": table,
        "dimensions": [name for name in DIMENSIONS if table.get(name)],
        "buckets": [name for name, _ in AGE_BUCKETS],
        "filter": read_filter(request),
        "query": query,
    }
    return aiohttp_jinja2.render_template("analysis/accountability.html", request, values)


@routes.get(r"/accountability/{dimension:[a-z_]+}.csv", name="accountability_csv")
@require_role()
async def accountability_csv(request: web.Request) -> web.StreamResponse:
    dimension = request.match_info["dimension"]
    if dimension not in DIMENSIONS:
        raise web.HTTPNotFound(text="no such dimension")
    table, query = await read_table(request)
    await audit(request, "metrics_exported", detail=json.dumps({**query, "by": dimension}))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buckets = [name for name, _ in AGE_BUCKETS]
    writer.writerow(
        [
            dimension,
            "reports",
            "acknowledged",
            "ack_median_s",
            "ack_p90_s",
            "with_feedback",
            "feedback_share",
            "feedback_median_s",
            "feedback_p90_s",
            "people_affected",
            *(f"open_{name}" for name in buckets),
        ]
    )
    for figures in table[dimension]:
        data = figures.to_json()
        writer.writerow(
            [
                figures.key,
                figures.reports,
                figures.acknowledged,
                data["time_to_ack_seconds"]["median"],
                data["time_to_ack_seconds"]["p90"],
                figures.with_feedback,
                data["feedback_share"],
                data["time_to_feedback_seconds"]["median"],
                data["time_to_feedback_seconds"]["p90"],
                figures.people,
                *(figures.open_by_age[name] for name in buckets),
            ]
        )

    async def body() -> Any:
        yield buffer.getvalue().encode("utf-8")

    name = f"tocsin-accountability-{dimension}.csv"
    return await stream_file(request, body(), "text/csv; charset=utf-8", name)
