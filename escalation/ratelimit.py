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


_RESERVE = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if at - now > max_wait then
  return {0, tostring(at - now)}
end
redis.call('SET', KEYS[1], tostring(at + interval), 'PX', 60000)
return {1, tostring(at - now)}
"""


class SharedRateLimiter:
    """The same limits shared by every worker process through Redis.

    The bot's budget is one "next free moment" in Redis that a script moves on by 1/30 s for
    each send, so concurrent workers get distinct slots in order (no herd at each second);
    each chat takes a ticket of its current minute (INCR with an expiry) and waits for the
    next minute when it has none left. A 429 pauses the chat for every process.
    """

    def __init__(
        self, redis: Any, per_second: float, per_chat_per_minute: float, prefix: str = "tocsin:tg"
    ) -> None:
        self.redis = redis
        self.interval = 1.0 / per_second
        self.per_chat = max(1, int(per_chat_per_minute))
        self.prefix = prefix
        self._reserve = redis.register_script(_RESERVE)

    async def _chat_ticket(self, chat: str, now: float) -> float:
        """0 when the chat may send this minute, else the wait for its next minute."""
        paused = await self.redis.pttl(f"{self.prefix}:pause:{chat}")
        if paused and paused > 0:
            return paused / 1000
        minute = int(now // 60)
        key = f"{self.prefix}:chat:{chat}:{minute}"
        async with self.redis.pipeline(transaction=True) as pipe:
            count, _ = await pipe.incr(key).expire(key, 120).execute()
        if count <= self.per_chat:
            return 0.0
        await self.redis.decr(key)
        return (minute + 1) * 60 - now

    async def wait(self, chat: str, max_wait: float | None = None) -> float:
        """Sleep until this send's slot; returns 0, or the wait when it exceeds `max_wait`."""
        limit = 1e9 if max_wait is None else max_wait
        delay = await self._chat_ticket(chat, time.time())
        if delay > 0:
            if delay > limit:
                return delay
            await asyncio.sleep(delay)
            return await self.wait(chat, None if max_wait is None else max_wait - delay)
        now = time.time()
        reserved, wait = await self._reserve(
            keys=[f"{self.prefix}:bot:next"], args=[repr(now), repr(self.interval), repr(limit)]
        )
        wait = float(wait)
        if not int(reserved):
            return max(wait, 0.001)
        if wait > 0:
            await asyncio.sleep(wait)
        return 0.0

    def pause(self, chat: str, seconds: float) -> None:
        task = asyncio.get_running_loop().create_task(
            self.redis.set(f"{self.prefix}:pause:{chat}", b"1", px=max(1, int(seconds * 1000)))
        )
        _PAUSES.add(task)
        task.add_done_callback(_PAUSES.discard)


_PAUSES: set[asyncio.Task[Any]] = set()
