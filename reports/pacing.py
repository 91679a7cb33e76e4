"""Pacing sends within a remote API's rate limits, in one process or shared through Redis.

Telegram and WhatsApp count messages per bot (or business number) and per chat, whichever of
our processes sent them. A budget kept in each process lets two replicas send twice the
allowed rate and collect 429s; with Redis every process draws from the same budget.

The algorithm is GCRA (the generic cell rate algorithm, a token bucket kept as one number per
key): each key stores its "theoretical arrival time"; a send conforms once that time, less
the burst tolerance, has come. A send limited by several keys (its chat and the bot) reserves
them one after the other, each when the previous one allows: booking the bot's slot while the
chat still holds the send back would block other chats for nothing. In Redis the clock is the
server's, so hosts with skewed clocks agree.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

KEYS_KEPT_IN_PROCESS = 10_000


@dataclass(frozen=True)
class Rate:
    """`per_second` sends a second on average, up to `burst` at once after a quiet spell."""

    per_second: float
    burst: int = 1

    @property
    def interval(self) -> float:
        return 1.0 / self.per_second

    @property
    def tolerance(self) -> float:
        return self.interval * (max(1, self.burst) - 1)


class Pacer(Protocol):
    async def reserve(self, key: str, rate: Rate, max_wait: float | None = None) -> float:
        """Take the key's next slot; the seconds to wait before using it. A slot more than
        `max_wait` seconds away is not taken (the caller reschedules): the wait is returned
        all the same, so `wait > max_wait` means nothing was reserved."""
        ...

    async def pause(self, key: str, rate: Rate, seconds: float) -> None:
        """Nothing may pass `key` for `seconds` (the API said retry_after)."""
        ...


class LocalPacer:
    """The budgets of this process alone (no Redis configured)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._arrivals: dict[str, float] = {}

    async def reserve(self, key: str, rate: Rate, max_wait: float | None = None) -> float:
        now = self._clock()
        if len(self._arrivals) > KEYS_KEPT_IN_PROCESS:
            self._forget_before(now)
        tat = max(self._arrivals.get(key, now), now)
        at = max(now, tat - rate.tolerance)
        if max_wait is None or at - now <= max_wait:
            self._arrivals[key] = tat + rate.interval
        return at - now

    async def pause(self, key: str, rate: Rate, seconds: float) -> None:
        now = self._clock()
        until = now + seconds + rate.tolerance
        self._arrivals[key] = max(self._arrivals.get(key, now), until)

    def _forget_before(self, now: float) -> None:
        """A key whose arrival time has passed holds no debt: forgetting it changes nothing."""
        for key in [key for key, tat in self._arrivals.items() if tat <= now]:
            del self._arrivals[key]


# KEYS[1]: the key; ARGV: its interval, burst tolerance and the longest wait worth booking
# (negative: any). Returns the wait as a string (Lua numbers would be truncated to integers on
# the way back); a wait over the longest is returned without booking the slot.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local at = math.max(now, tat - tonumber(ARGV[2]))
local max_wait = tonumber(ARGV[3])
if max_wait >= 0 and at - now > max_wait then
  return string.format('%.6f', at - now)
end
local next_tat = tat + tonumber(ARGV[1])
local ttl = math.ceil((next_tat - now) * 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.6f', next_tat), 'PX', ttl)
return string.format('%.6f', at - now)
"""

_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local until_ = now + tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < until_ then
  local ttl = math.ceil((until_ - now) * 1000) + 1000
  redis.call('SET', KEYS[1], string.format('%.6f', until_), 'PX', ttl)
end
return 1
"""


class RedisPacer:
    """Budgets shared by every process through Redis: one script call per key and send."""

    def __init__(self, redis: Any, prefix: str = "tocsin:pace") -> None:
        self._prefix = prefix
        self._reserve = redis.register_script(_RESERVE)
        self._pause = redis.register_script(_PAUSE)

    def _key(self, key: str) -> str:
        return key if key.startswith("tocsin:") else f"{self._prefix}:{key}"

    async def reserve(self, key: str, rate: Rate, max_wait: float | None = None) -> float:
        args = [
            repr(rate.interval),
            repr(rate.tolerance),
            repr(-1.0 if max_wait is None else max_wait),
        ]
        return max(0.0, float(await self._reserve(keys=[self._key(key)], args=args)))

    async def pause(self, key: str, rate: Rate, seconds: float) -> None:
        await self._pause(keys=[self._key(key)], args=[repr(seconds + rate.tolerance)])


async def wait_for_slot(
    pacer: Pacer, limits: Sequence[tuple[str, Rate]], max_wait: float | None = None
) -> float:
    """Reserve each key in turn and sleep until its slot comes; 0 once every slot is passed.

    With `max_wait`, a key whose slot is further away than what is left of it stops the
    walk and its wait is returned (for a durable send to reschedule itself rather than hold
    a worker). Keys reserved before it keep their slot: a few sends' worth of budget lost
    once, against a second round trip for every send to ask first and book after."""
    left = max_wait
    for key, rate in limits:
        delay = await pacer.reserve(key, rate, left)
        if left is not None and delay > left:
            return max(delay, 0.001)
        if delay > 0:
            await asyncio.sleep(delay)
            left = None if left is None else left - delay
    return 0.0
