"""`tocsin web`: the staff desk alone (no channels, no worker), on TOCSIN_HTTP_HOST:PORT.

Actions taken here go through the same escalation gateway as Telegram buttons; the edits of
pings and notices they queue are sent by whichever `tocsin run` or `tocsin worker` runs.

`--processes N` (or TOCSIN_WEB_PROCESSES) serves the desk from N processes on the one port
(SO_REUSEPORT: the kernel spreads connections over them). One event loop saturates near a
hundred pages a second; nothing of a signed-in member lives in a process (sessions,
sign-in limits and the live list are read from the database), so any process answers any
request, and a logout in one is refused in the others on their next request.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from typing import Any

from aiohttp import web

from reports.database import upgrade_schema_sync
from tocsin.app import DeferredNlu, build_app
from tocsin.commands.run import event_loop_factory
from tocsin.processes import reuse_port_supported, run_processes
from tocsin.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("web", help="serve the staff desk alone (under /staff/)")
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        metavar="N",
        help="serve from N processes on the one port (default: TOCSIN_WEB_PROCESSES, 1)",
    )
    parser.set_defaults(handler=run_web)


async def serve_web(
    settings: Settings, stop: asyncio.Event, reuse_port: bool = False, migrate: bool = True
) -> None:
    build_gateway, build_web_app = _desk()
    app = await build_app(settings, migrate=migrate, nlu=DeferredNlu(settings))  # type: ignore[arg-type]
    worker, app.staff_gateway = build_gateway(app)
    runner = web.AppRunner(build_web_app(app), access_log=None)
    try:
        await runner.setup()
        await web.TCPSite(
            runner, settings.http_host, settings.http_port, reuse_port=reuse_port or None
        ).start()
        log.info("staff desk on %s port %s", settings.http_host, settings.http_port)
        await stop.wait()
    finally:
        await runner.cleanup()
        await worker.close()
        await app.close()


def _desk() -> tuple[Any, Any]:
    """The gateway and web-app builders, imported when the desk starts, not with this module:
    they bring aiogram, whose models take seconds to build, and every other `tocsin` command
    lists this one."""
    from tocsin.components.escalation import build_gateway
    from tocsin.server import build_web_app

    return build_gateway, build_web_app


def serve_one(settings: Settings, reuse_port: bool = False, migrate: bool = True) -> None:
    """One desk process until SIGINT or SIGTERM."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve_web(settings, stop, reuse_port, migrate)

    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(main())


def run_web(args: argparse.Namespace, settings: Settings) -> int:
    count = args.processes if args.processes is not None else settings.web_processes
    if count < 1:
        log.error("--processes must be 1 or more")
        return 2
    if count == 1:
        serve_one(settings)
        return 0
    if not reuse_port_supported():
        log.error("several processes need SO_REUSEPORT, which this system lacks")
        return 2
    # the schema is brought up to date once, here, not by N processes racing at it
    try:
        upgrade_schema_sync(settings.database_url)
    except OSError as error:
        raise SettingsError(f"TOCSIN_DATABASE_URL: cannot reach the database ({error})") from None
    _desk()  # imported once here: forked processes start with it already built
    return run_processes(count, serve_one, settings, True, False)
