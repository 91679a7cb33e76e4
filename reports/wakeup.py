"""The one wake-up mechanism: a loop that polls a table for work is woken as soon as there is
some, in this process at once and, with Redis, in every other process (PUBLISH on a channel).

The inbox (`bot.inbox`: an item accepted, a sender's earlier item finished) and the escalation
worker (`escalation.wakeup`: an outbox event or a delivery committed) each own one `Wakeup` on
their own channel. Polling stays as the safety net everywhere: a wake-up that is lost (Redis
down, a publish that failed) costs one poll interval, never a message, so a failure to publish
is logged and swallowed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

log = logging.getLogger(__name__)


class Wakeup:
    """Local events to set, and a Redis channel that carries the wake-up to other processes."""

    def __init__(self, redis: Any = None, channel: str = "tocsin:wake") -> None:
        self.redis = redis
        self.channel = channel
        self._events: list[asyncio.Event] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    def subscribe(self) -> asyncio.Event:
        """An event that every wake-up sets; its loop clears it before looking for work."""
        wake = asyncio.Event()
        self._events.append(wake)
        return wake

    def wake_local(self) -> None:
        for wake in self._events:
            wake.set()

    async def announce(self) -> None:
        """Wake this process's loops, and return once the other processes have been told."""
        self.wake_local()
        await self._publish()

    def notify(self) -> None:
        """Wake this process's loops now and tell the others in the background (for callers
        that cannot wait: a commit hook)."""
        self.wake_local()
        if self.redis is not None:
            task = asyncio.get_running_loop().create_task(self._publish())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _publish(self) -> None:
        if self.redis is None:
            return
        try:
            await self.redis.publish(self.channel, b"1")
        except Exception as error:  # polling still finds the work
            log.warning(
                "wake-up not published channel=%s error=%s", self.channel, type(error).__name__
            )

    async def listen(self, redis: Any = None) -> None:
        """Relay the wake-ups other processes publish to this process's loops (until
        cancelled; returns at once without Redis). `redis`: the client to subscribe with,
        when not the one this publishes with."""
        redis = redis if redis is not None else self.redis
        if redis is None:
            return
        pubsub = redis.pubsub()
        await pubsub.subscribe(self.channel)
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                if message is not None:
                    self.wake_local()
        finally:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe(self.channel)
                await pubsub.aclose()
