"""Time as the application sees it: the system clock in production, a hand-set one in tests.

Everything that decides by the time (the outbox, re-escalation timers, the daily digest, surge
windows) and everything that stamps the rows those decisions read takes the same `Clock`, given
once where the application is composed. A test then sets the clock to 06:59 or 23:59 instead
of depending on the hour it happens to run at, and `advance(timedelta(minutes=10))` makes ten
minutes pass without waiting.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that starts at a given moment (default: the real time) and from there runs at
    the real pace (leases and back-offs of a few milliseconds still expire in a test), moved
    forward by hand with `advance`."""

    def __init__(self, start: datetime | None = None, offset: timedelta = timedelta(0)) -> None:
        self.start = start.astimezone(UTC) if start is not None else datetime.now(UTC)
        self.offset = offset
        self._started = time.monotonic()

    def now(self) -> datetime:
        elapsed = timedelta(seconds=time.monotonic() - self._started)
        return self.start + elapsed + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

    def set(self, moment: datetime) -> None:
        """Jump to `moment` (only forward: rows already stamped stay in the past)."""
        self.offset += moment.astimezone(UTC) - self.now()


def aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for timezone columns; they are UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
