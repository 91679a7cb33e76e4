"""Actions on a case (`POST /staff/reports/{REF}/...`), through the escalation gateway."""

from __future__ import annotations

from aiohttp import web

routes = web.RouteTableDef()
