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
from typing import Any


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


class SharedRateLimiter:
    """The same limits shared by every worker process through Redis.

    Fixed windows: each send takes a ticket of the bot's current second and of its chat's
    current minute (INCR with a short expiry); over the limit, it gives the tickets back and
    waits for the next window. A 429 pauses the chat for every process.
    """

    def __init__(
        self, redis: Any, per_second: float, per_chat_per_minute: float, prefix: str = "tocsin:tg"
    ) -> None:
        self.redis = redis
        self.per_second = max(1, int(per_second))
        self.per_chat = max(1, int(per_chat_per_minute))
        self.prefix = prefix

    async def _take(self, chat: str, now: float) -> float:
        """0 when both tickets were taken, else how long to wait for the next window."""
        paused = await self.redis.pttl(f"{self.prefix}:pause:{chat}")
        if paused and paused > 0:
            return paused / 1000
        second, minute = int(now), int(now // 60)
        bot_key = f"{self.prefix}:bot:{second}"
        chat_key = f"{self.prefix}:chat:{chat}:{minute}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(chat_key).expire(chat_key, 120).incr(bot_key).expire(bot_key, 5)
            chat_count, _, bot_count, _ = await pipe.execute()
        if chat_count <= self.per_chat and bot_count <= self.per_second:
            return 0.0
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.decr(chat_key).decr(bot_key).execute()
        if chat_count > self.per_chat:
            return (minute + 1) * 60 - now
        return (second + 1) - now + 0.001

    async def wait(self, chat: str, max_wait: float | None = None) -> float:
        waited = 0.0
        while True:
            delay = await self._take(chat, time.time())
            if delay <= 0:
                return 0.0
            if max_wait is not None and waited + delay > max_wait:
                return delay
            await asyncio.sleep(delay)
            waited += delay

    def pause(self, chat: str, seconds: float) -> None:
        task = asyncio.get_running_loop().create_task(
            self.redis.set(f"{self.prefix}:pause:{chat}", b"1", px=max(1, int(seconds * 1000)))
        )
        _PAUSES.add(task)
        task.add_done_callback(_PAUSES.discard)


_PAUSES: set[asyncio.Task[Any]] = set()
