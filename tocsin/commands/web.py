"""`tocsin web`: the staff desk alone (no channels, no worker), on TOCSIN_HTTP_HOST:PORT.

Actions taken here go through the same escalation gateway as Telegram buttons; the edits of
pings and notices they queue are sent by whichever `tocsin run` or `tocsin worker` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from aiohttp import web

from tocsin.app import build_app
from tocsin.components.escalation import build_gateway
from tocsin.server import build_web_app
from tocsin.settings import Settings

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("web", help="serve the staff desk alone (under /staff/)")
    parser.set_defaults(handler=run_web)


async def serve_web(settings: Settings, stop: asyncio.Event) -> None:
    app = await build_app(settings)
    worker, app.staff_gateway = build_gateway(app)
    runner = web.AppRunner(build_web_app(app), access_log=None)
    try:
        await runner.setup()
        await web.TCPSite(runner, settings.http_host, settings.http_port).start()
        log.info("staff desk on %s port %s", settings.http_host, settings.http_port)
        await stop.wait()
    finally:
        await runner.cleanup()
        await worker.close()
        await app.close()


def run_web(args: argparse.Namespace, settings: Settings) -> int:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve_web(settings, stop)

    asyncio.run(main())
    return 0
