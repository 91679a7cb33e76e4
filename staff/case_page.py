"""`GET /staff/reports/{REF}`: one case, every field, its media, cluster and timeline."""

from __future__ import annotations

from aiohttp import web

from staff.auth import require_role

routes = web.RouteTableDef()


@routes.get("/reports/{reference}", name="case")
@require_role()
async def case(request: web.Request) -> web.StreamResponse:
    raise web.HTTPNotFound()
