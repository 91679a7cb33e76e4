"""`/staff/units` and `/staff/units/{id}`: supported units and their printable dossiers.

The dossier page prints as a due-diligence document (print stylesheet: no navigation, every
table whole); it lists references, never who reported. Opening one is audited.
"""

from __future__ import annotations

import json
from dataclasses import replace

import aiohttp_jinja2
from aiohttp import web

from staff.analysis.config import analysis_settings
from staff.analysis.dossiers import dossier, find_unit, summaries
from staff.analysis.scope import read_filter, reader_scope
from staff.auth import audit, member_of, require_role, staff_context

routes = web.RouteTableDef()


@routes.get("/units", name="units")
@require_role()
async def units_page(request: web.Request) -> web.StreamResponse:
    context = staff_context(request)
    case_filter = read_filter(request)
    registry = analysis_settings(request).units
    found = await summaries(context.database, reader_scope(request, case_filter), registry)
    await audit(request, "units_read", detail=json.dumps(case_filter.to_query(), sort_keys=True))
    values = {"units": found, "filter": case_filter, "query": case_filter.to_query()}
    return aiohttp_jinja2.render_template("analysis/units.html", request, values)


@routes.get(r"/units/{unit:[A-Za-z0-9_\-]{1,64}}", name="unit_dossier")
@require_role()
async def unit_dossier(request: web.Request) -> web.StreamResponse:
    context = staff_context(request)
    case_filter = read_filter(request)
    registry = analysis_settings(request).units
    seen = [
        s.unit.name
        for s in await summaries(context.database, reader_scope(request, case_filter), registry)
    ]
    unit = find_unit(registry, request.match_info["unit"], seen)
    if unit is None:
        raise web.HTTPNotFound(text="no such unit")
    unit_filter = replace(case_filter, unit=unit.name)
    found = await dossier(context.database, reader_scope(request, unit_filter), unit)
    detail = {"unit": unit.id, **case_filter.to_query(), "reports": found.reports}
    await audit(request, "dossier_read", detail=json.dumps(detail, sort_keys=True))
    values = {
        "dossier": found,
        "filter": case_filter,
        "query": case_filter.to_query(),
        "generated_at": context.clock.now(),
        "reader": member_of(request),
    }
    return aiohttp_jinja2.render_template("analysis/dossier.html", request, values)
