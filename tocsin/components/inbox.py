"""Handles what the channels accepted into the durable inbox (part of `tocsin run`).

Channel components register a handler per channel in `app.inbox_handlers` when they start;
this component, started after them, runs one processor for all of them.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from bot.inbox_processor import InboxProcessor
from bot.sessions import RedisSessionStore
from tocsin.app import App
from tocsin.components import Stopper


async def start(app: App, web_app: web.Application) -> Stopper | None:
    if not app.inbox_handlers or app.inbox is None:
        return None
    if isinstance(app.sessions, RedisSessionStore):
        await app.sessions.release_dead_locks()  # a restart: its predecessor's turns
    processor = InboxProcessor(
        app.inbox, dict(app.inbox_handlers), redis=app.redis, apologies=app.inbox_apologies
    )
    task = asyncio.create_task(processor.run(), name="inbox-processor")

    async def stop() -> None:
        processor.stop()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=10)

    return stop
