"""The case list: `GET /staff/` (page), its live rows, and `GET /staff/api/reports` (JSON).

New cases appear without reload: the first page's rows are re-fetched by htmx every few
seconds with the same filters. Page loads and API calls are audited with the filter used.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from reports.models import REPORTER_ROLES, STATUSES
from staff.auth import LANGUAGE, audit, member_of, require_role, staff_context
from staff.caselist import read_lines, read_page
from staff.filters import PERIODS, SEVERITIES, CaseFilter, FilterError
from staff.rowcells import line_cells

routes = web.RouteTableDef()


def read_filter(request: web.Request) -> CaseFilter:
    try:
        return CaseFilter.from_query(request.query)
    except FilterError as error:
        raise web.HTTPBadRequest(text=str(error)) from None


async def _page_context(request: web.Request, case_filter: CaseFilter) -> dict[str, object]:
    context = staff_context(request)
    member = member_of(request)
    now = context.clock.now()
    rows, cursor = await read_lines(context.database, case_filter, member.role, now)
    language = request[LANGUAGE]
    prefix = str(request.app.router["case"].url_for(reference="-"))[:-1]
    query = case_filter.to_query()
    next_url = None
    if cursor is not None:
        next_url = "?" + urlencode({**query, "cursor": cursor.encode()})
    return {
        "lines": [line_cells(context.keyring, row, now, language, prefix) for row in rows],
        "filter": case_filter,
        "query": urlencode(query),
        "next_url": next_url,
        "poll_seconds": context.poll_seconds,
        "live": case_filter.cursor is None,
    }


@routes.get("/", name="cases")
@require_role()
async def case_list(request: web.Request) -> web.StreamResponse:
    case_filter = read_filter(request)
    # the audit entry is written beside the read, not after it (one wait less on a busy desk)
    values, _audited = await asyncio.gather(
        _page_context(request, case_filter),
        audit(request, "listed", detail=json.dumps(case_filter.to_query(), sort_keys=True)),
    )
    values.update(
        statuses=STATUSES, severities=SEVERITIES, reporter_roles=REPORTER_ROLES, periods=PERIODS
    )
    return aiohttp_jinja2.render_template("cases.html", request, values)


@routes.get("/cases/rows", name="case_rows")
@require_role()
async def case_rows(request: web.Request) -> web.StreamResponse:
    """The first page's rows, for the live refresh (not audited: the page load was)."""
    values = await _page_context(request, read_filter(request))
    return aiohttp_jinja2.render_template("case_rows.html", request, values)


@routes.get("/api/reports", name="api_reports")
@require_role()
async def api_reports(request: web.Request) -> web.StreamResponse:
    context = staff_context(request)
    member = member_of(request)
    case_filter = read_filter(request)
    page = await read_page(
        context.database,
        context.keyring,
        case_filter,
        member.role,
        context.clock.now(),
        description=True,
    )
    await audit(
        request,
        "api_listed",
        detail=json.dumps({**case_filter.to_query(), "count": len(page.rows)}, sort_keys=True),
    )
    return web.json_response(
        {
            "reports": [row.to_json() for row in page.rows],
            "next": page.next.encode() if page.next else None,
        }
    )
