"""`tocsin run`: every configured channel and the escalation worker, in one process."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from tocsin.app import build_app
from tocsin.settings import Settings

if TYPE_CHECKING:
    from tocsin.components import Stopper

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="run the configured channels and the escalation worker in one process"
    )
    parser.set_defaults(handler=run_service)


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    """Start components and the HTTP server; stop them all when `stop` is set."""
    # imported here, not with the module: the channels and the desk bring aiogram, whose
    # models take seconds to build, and every other `tocsin` command lists this one
    from tocsin.components import available_components
    from tocsin.server import build_web_app

    app = await build_app(settings)
    web_app = build_web_app(app)
    stoppers: list[Stopper] = []
    runner: web.AppRunner | None = None
    try:
        for component in available_components():
            stopper = await component.start(app, web_app)
            if stopper is not None:
                stoppers.append(stopper)
        if not _channels(settings):
            log.warning(
                "no channel is configured (TOCSIN_TELEGRAM_TOKEN, TOCSIN_WHATSAPP_TOKEN or "
                "TOCSIN_SMS_PROVIDER): nobody can send a report to this bot"
            )
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, settings.http_host, settings.http_port).start()
        log.info(
            "serving on %s port %s with %d components",
            settings.http_host,
            settings.http_port,
            len(stoppers),
        )
        freezing = asyncio.create_task(freeze_when_warm(app.nlu.warmed))
        await stop.wait()
        freezing.cancel()
    finally:
        for stopper in reversed(stoppers):
            await stopper()
        if runner is not None:
            await runner.cleanup()
        await app.close()


async def freeze_when_warm(warmed: threading.Event) -> None:
    """Once the NLU has loaded its models, move every object alive then (models, gazetteer,
    modules: millions of them) out of the garbage collector's sight. Otherwise each full
    collection walks them all again, and under load that was a large share of a turn's CPU."""
    await asyncio.to_thread(warmed.wait)
    gc.collect()
    gc.freeze()
    log.info("start-up objects frozen count=%d", gc.get_freeze_count())


def _channels(settings: Settings) -> list[str]:
    """The channels the settings enable."""
    names = ("telegram_token", "whatsapp_token", "sms_provider")
    return [name.split("_")[0] for name in names if getattr(settings, name, None)]


def run_service(args: argparse.Namespace, settings: Settings) -> int:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve(settings, stop)

    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(main())
    return 0


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (a dependency except on Windows): the server
    spent a fifth of its CPU in the standard loop's own scheduling and socket calls, which
    uvloop does in C; the standard loop otherwise (same behaviour, more CPU)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop
