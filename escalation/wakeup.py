"""Waking workers as soon as there is work, instead of waiting for the next poll.

Whenever a transaction that wrote an outbox event or a delivery commits in this process, local
workers are woken at once and, with Redis, every other worker too (PUBLISH on one channel).
Polling stays as the safety net: a missed wake-up only costs one poll interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from escalation.models import Delivery
from reports.models import OutboxEvent

log = logging.getLogger(__name__)
CHANNEL = "tocsin:escalation:wake"
_FLAG = "tocsin_escalation_wake"


class Waker:
    def __init__(self, redis: Any = None) -> None:
        self.redis = redis
        self._events: list[asyncio.Event] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._hooked = False

    def subscribe(self) -> asyncio.Event:
        wake = asyncio.Event()
        self._events.append(wake)
        return wake

    def wake_local(self) -> None:
        for wake in self._events:
            wake.set()

    def notify(self) -> None:
        """Wake this process's loops now, and other processes through Redis."""
        self.wake_local()
        if self.redis is not None:
            task = asyncio.get_running_loop().create_task(self._publish())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _publish(self) -> None:
        try:
            await self.redis.publish(CHANNEL, b"1")
        except Exception as error:  # polling still finds the work
            log.warning("wake-up publish failed error=%s", type(error).__name__)

    async def listen(self) -> None:
        """Relay wake-ups published by other processes to this process's loops."""
        if self.redis is None:
            return
        pubsub = self.redis.pubsub()
        await pubsub.subscribe(CHANNEL)
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                if message is not None:
                    self.wake_local()
        finally:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe(CHANNEL)
                await pubsub.aclose()

    def _after_flush(self, session: Session, _context: Any) -> None:
        if any(isinstance(obj, OutboxEvent | Delivery) for obj in session.new):
            session.info[_FLAG] = True

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(_FLAG, False):
            # a commit outside the event loop (a migration, a script) wakes nobody
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().call_soon(self.notify)

    def hook_commits(self) -> None:
        """Wake on every commit in this process that wrote an outbox event or a delivery."""
        if not self._hooked:
            event.listen(Session, "after_flush", self._after_flush)
            event.listen(Session, "after_commit", self._after_commit)
            self._hooked = True

    def unhook(self) -> None:
        if self._hooked:
            event.remove(Session, "after_flush", self._after_flush)
            event.remove(Session, "after_commit", self._after_commit)
            self._hooked = False
