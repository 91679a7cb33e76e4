"""The analysis pages and files of the staff desk, added by `staff.app` through its hook.

`/staff/map`, `/staff/charts`, `/staff/units` (with printable dossiers), `/staff/accountability`
and `/staff/api/metrics`, `/staff/exports/reports.csv|.xlsx|.geojson`.
"""

from __future__ import annotations

from aiohttp import web

from staff.analysis import web_accountability, web_exports, web_map_charts, web_units


def register(app: web.Application) -> None:
    for module in (web_map_charts, web_units, web_accountability, web_exports):
        app.router.add_routes(module.routes)
