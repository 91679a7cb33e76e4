"""`GET /staff/audit` (admin): every read, export and action, and every sign-in, filterable.

The log is append-only (database triggers refuse edits); this page only reads it, newest
first, a page at a time by id. Reading the audit log is itself audited.
"""

from __future__ import annotations

from datetime import datetime

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import select

from reports.database import session_factory
from reports.models import AuditEntry, Report
from staff.auth import audit, require_role, staff_context
from staff.filters import FilterError, parse_date
from staff.models import SignInAttempt
from staff.roles import Can

routes = web.RouteTableDef()
PAGE = 100


def _filters(request: web.Request) -> dict[str, str]:
    keep = ("actor", "action", "reference", "since", "until", "before")
    return {
        name: request.query[name].strip() for name in keep if request.query.get(name, "").strip()
    }


def _bounds(found: dict[str, str]) -> tuple[datetime | None, datetime | None]:
    try:
        return parse_date(found.get("since"), "since"), parse_date(found.get("until"), "until")
    except FilterError as error:
        raise web.HTTPBadRequest(text=str(error)) from None


@routes.get("/audit", name="audit")
@require_role(Can.AUDIT)
async def audit_log(request: web.Request) -> web.StreamResponse:
    context = staff_context(request)
    found = _filters(request)
    since, until = _bounds(found)
    query = select(AuditEntry, Report.reference).outerjoin(
        Report, Report.id == AuditEntry.report_id
    )
    if "actor" in found:
        query = query.where(AuditEntry.actor == found["actor"])
    if "action" in found:
        query = query.where(AuditEntry.action == found["action"])
    if "reference" in found:
        query = query.where(Report.reference == found["reference"].upper())
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    if found.get("before", "").isdigit():
        query = query.where(AuditEntry.id < int(found["before"]))
    signins = select(SignInAttempt).order_by(SignInAttempt.id.desc()).limit(50)
    async with session_factory(context.database)() as session:
        entries = (await session.execute(query.order_by(AuditEntry.id.desc()).limit(PAGE))).all()
        attempts = list((await session.execute(signins)).scalars())
    await audit(request, "audit_read", detail=str(found)[:500])
    older = entries[-1][0].id if len(entries) == PAGE else None
    return aiohttp_jinja2.render_template(
        "audit.html",
        request,
        {"entries": entries, "signins": attempts, "found": found, "older": older},
    )
