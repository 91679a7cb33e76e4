"""The HTTP server of `tocsin run`: health check, the channels' webhooks and the staff desk."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import text

from staff.analysis.config import ANALYSIS, load_analysis_settings
from staff.app import mount as mount_staff
from staff.context import StaffContext
from tocsin.app import App

APP_KEY = web.AppKey("tocsin_app", App)
MAX_REQUEST_BYTES = 2 * 1024 * 1024  # webhooks carry JSON; media is fetched separately


async def healthz(request: web.Request) -> web.Response:
    """200 when the database answers; 503 otherwise (for load balancers and compose)."""
    app = request.app[APP_KEY]
    try:
        async with app.database.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        return web.json_response({"status": "error", "database": type(error).__name__}, status=503)
    return web.json_response({"status": "ok"})


def build_web_app(app: App) -> web.Application:
    web_app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    web_app[APP_KEY] = app
    web_app.router.add_get("/healthz", healthz)
    mount_staff(web_app, staff_context(app))
    web_app[ANALYSIS] = load_analysis_settings(
        app.settings, tiles_url=getattr(app.settings, "map_tiles_url", None)
    )
    return web_app


def staff_context(app: App) -> StaffContext:
    """What the staff desk uses of the app; the gateway is read when an action is taken,
    since escalation sets it when it starts (after the routes are built)."""
    settings = app.settings
    return StaffContext(
        database=app.database,
        keyring=app.keyring,
        store=app.store,
        gateway=lambda: app.staff_gateway,  # type: ignore[arg-type,return-value]
        public_url=getattr(settings, "public_url", None),
        default_language=settings.default_language,
    )
