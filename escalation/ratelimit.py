"""Keeping under Telegram's sending limits: about 30 messages a second per bot and about
20 a minute per group chat.

Each send reserves the next free slot of the bot and of its chat before it goes out, so many
concurrent deliveries queue up in order instead of all hitting a 429. A 429 for one chat pauses
that chat for the `retry_after` Telegram asked for.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        per_second: float,
        per_chat_per_minute: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = 1.0 / per_second
        self.per_chat = max(1, int(per_chat_per_minute))
        self.window = 60.0 * self.per_chat / per_chat_per_minute
        self._monotonic = monotonic
        self._next_global = 0.0
        self._chat_slots: dict[str, deque[float]] = {}
        self._paused_until: dict[str, float] = {}

    def reserve(self, chat: str) -> float:
        """The moment this send may go out, reserved now (no await in between)."""
        now = self._monotonic()
        slots = self._chat_slots.setdefault(chat, deque())
        while slots and slots[0] <= now - self.window:
            slots.popleft()
        at = max(now, self._paused_until.get(chat, 0.0))
        if len(slots) >= self.per_chat:
            at = max(at, slots[-self.per_chat] + self.window)
        at = max(at, self._next_global)
        self._next_global = at + self.interval
        slots.append(at)
        return at

    async def wait(self, chat: str, max_wait: float | None = None) -> float:
        """Sleep until this send's slot; returns 0, or the delay when it exceeds `max_wait`
        (then nothing was reserved and the caller should retry after that delay)."""
        at = self.reserve(chat)
        delay = at - self._monotonic()
        if max_wait is not None and delay > max_wait:
            self._release(chat, at)
            return delay
        if delay > 0:
            await asyncio.sleep(delay)
        return 0.0

    def _release(self, chat: str, at: float) -> None:
        slots = self._chat_slots.get(chat)
        if slots and at in slots:
            slots.remove(at)
        if self._next_global == at + self.interval:
            self._next_global = at

    def pause(self, chat: str, seconds: float) -> None:
        self._paused_until[chat] = max(
            self._paused_until.get(chat, 0.0), self._monotonic() + seconds
        )
