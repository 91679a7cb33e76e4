"""Waking the escalation workers as soon as there is work, instead of waiting for the next poll.

Whenever a transaction that wrote an outbox event or a delivery commits in this process, local
workers are woken at once and, with Redis, every other worker too. The waking itself is the
one mechanism the inbox uses as well (`reports.wakeup`); what is escalation's own is only the
commit hook that decides when to wake.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from escalation.models import Delivery
from reports.models import OutboxEvent
from reports.wakeup import Wakeup

CHANNEL = "tocsin:escalation:wake"
_FLAG = "tocsin_escalation_wake"


class Waker(Wakeup):
    """The escalation worker's wake-up (`reports.wakeup`, on its own channel), set off by
    commits that wrote an outbox event or a delivery."""

    def __init__(self, redis: Any = None) -> None:
        super().__init__(redis, CHANNEL)
        self._hooked = False

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
