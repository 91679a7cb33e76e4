"""Time as the worker sees it: the system clock in production, a hand-moved one in tests.

Re-escalation after "10 minutes without acknowledgement" is tested by moving a `ManualClock`
forward instead of waiting; every timer comparison goes through `Clock.now()`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """The real time moved forward by hand: rows that storage stamps with the real time are
    never in its future, and `advance(timedelta(minutes=10))` makes ten minutes pass."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


def aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for timezone columns; they are UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
