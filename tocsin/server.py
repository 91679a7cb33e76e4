"""The HTTP server of `tocsin run`: health check and the channels' webhooks."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import text

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
    return web_app
