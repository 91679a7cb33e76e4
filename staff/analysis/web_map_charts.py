"""`/staff/map` and `/staff/charts`: the reader's reports as points and as trends.

Pages carry no data and no script of their own: the map's JavaScript asks
`/staff/api/map` with the page's filter; chart numbers are rendered as tables (and as a JSON
data block the chart script reads), each with a CSV link of the same numbers.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from locales.i18n import Translator
from locales.labels import (
    CATEGORY_LABELS,
    GROUP_LABELS,
    PERPETRATOR_LABELS,
    SEVERITY_LABELS,
    label,
)
from nlu.taxonomy import CATEGORIES
from staff.analysis.config import analysis_settings
from staff.analysis.mapdata import map_points
from staff.analysis.scope import read_filter, reader_scope
from staff.analysis.trends import OVER_TIME, Chart, mark_surges, over_time, surge_markers
from staff.analysis.web_exports import stream_file
from staff.auth import LANGUAGE, audit, require_role, staff_context
from staff.security import CSP

routes = web.RouteTableDef()
CHART_IDS = frozenset({*(f"by_{name}" for name in OVER_TIME), "severity", "affected_groups"})
LABEL_TABLES = {
    "by_category": CATEGORY_LABELS,
    "by_perpetrator": PERPETRATOR_LABELS,
    "severity": SEVERITY_LABELS,
    "affected_groups": GROUP_LABELS,
}


def filter_context(request: web.Request) -> dict[str, Any]:
    case_filter = read_filter(request)
    return {"filter": case_filter, "query": case_filter.to_query()}


@routes.get("/map", name="map")
@require_role()
async def map_page(request: web.Request) -> web.StreamResponse:
    settings = analysis_settings(request)
    values = filter_context(request)
    values["tiles_url"] = settings.tiles_url if settings.tiles_origin else None
    words = Translator(request[LANGUAGE])
    values["category_names"] = {code: label(CATEGORY_LABELS, code, words) for code in CATEGORIES}
    response = aiohttp_jinja2.render_template("analysis/map.html", request, values)
    if settings.tiles_origin:
        response.headers["Content-Security-Policy"] = CSP.replace(
            "img-src 'self'", f"img-src 'self' {settings.tiles_origin}"
        )
    return response


@routes.get("/api/map", name="api_map")
@require_role()
async def map_data(request: web.Request) -> web.StreamResponse:
    context = staff_context(request)
    case_filter = read_filter(request)
    found = await map_points(context.database, reader_scope(request, case_filter))
    detail = {**case_filter.to_query(), "points": len(found["points"])}
    await audit(request, "map_read", detail=json.dumps(detail, sort_keys=True))
    return web.json_response(found, dumps=lambda data: json.dumps(data, separators=(",", ":")))


def series_names(chart: Chart, words: Translator) -> dict[str, str]:
    table = LABEL_TABLES.get(chart.id)
    keys = chart.labels if chart.kind == "bar" else list(chart.series)
    return {key: label(table, key, words) if table else key for key in keys}


async def read_charts(request: web.Request) -> list[Chart]:
    context = staff_context(request)
    case_filter = read_filter(request)
    charts = await over_time(context.database, reader_scope(request, case_filter))
    if charts:
        markers = await surge_markers(context.database, case_filter.country, case_filter.since)
        mark_surges(charts[0], markers)
    return charts


@routes.get("/charts", name="charts")
@require_role()
async def charts_page(request: web.Request) -> web.StreamResponse:
    charts = await read_charts(request)
    words = Translator(request[LANGUAGE])
    values = filter_context(request)
    await audit(request, "charts_read", detail=json.dumps(values["query"], sort_keys=True))
    names = {chart.id: series_names(chart, words) for chart in charts}
    values.update(
        charts=charts,
        names=names,
        data={"charts": [chart.to_json() for chart in charts], "names": names},
    )
    return aiohttp_jinja2.render_template("analysis/charts.html", request, values)


@routes.get(r"/charts/{chart:[a-z_]+}.csv", name="chart_csv")
@require_role()
async def chart_csv(request: web.Request) -> web.StreamResponse:
    wanted = request.match_info["chart"]
    charts = {chart.id: chart for chart in await read_charts(request)}
    chart = charts.get(wanted)
    if wanted not in CHART_IDS:
        raise web.HTTPNotFound(text="no such chart")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if chart is not None:
        writer.writerow(["label", *chart.series])
        writer.writerows(chart.rows())
    await audit(request, "chart_exported", detail=wanted)

    async def body() -> Any:
        yield buffer.getvalue().encode("utf-8")

    return await stream_file(request, body(), "text/csv; charset=utf-8", f"tocsin-{wanted}.csv")
