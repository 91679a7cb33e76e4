"""Pacing outgoing Telegram messages within the Bot API's limits.

Telegram asks bots to stay under about 30 messages a second overall, one a second in a private
chat (short bursts pass) and 20 a minute in a group; above that it answers 429 with
`retry_after`. Token buckets keep us under those figures so that 429 stays the exception, and a
429 that comes anyway pauses the chat it concerns. Each send reserves its slot at once, so
concurrent senders queue fairly without a lock.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

IDLE_BUCKETS_KEPT = 10_000


@dataclass(frozen=True)
class RateLimits:
    """Messages per second for the whole bot, per private chat and per group chat."""

    bot_per_second: float | None = 30.0
    private_per_second: float | None = 1.0
    private_burst: int = 3
    group_per_second: float | None = 20 / 60
    group_burst: int = 3

    @classmethod
    def unlimited(cls) -> RateLimits:
        """No pacing at all (a benchmark against a fake API that has no limits)."""
        return cls(bot_per_second=None, private_per_second=None, group_per_second=None)


class TokenBucket:
    """`rate` tokens a second, up to `capacity`; a reservation may drive it below zero."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = time.monotonic()

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def reserve(self) -> float:
        """Take one token; the seconds to wait before using it."""
        now = time.monotonic()
        self._refill(now)
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def pause(self, seconds: float) -> None:
        """Nothing may pass for `seconds` (Telegram said retry_after)."""
        now = time.monotonic()
        self._refill(now)
        self.tokens = min(self.tokens, -seconds * self.rate)

    @property
    def idle(self) -> bool:
        self._refill(time.monotonic())
        return self.tokens >= self.capacity


class OutboundLimiter:
    """Waits, before each message, until the bot's and the chat's limits allow it."""

    def __init__(self, limits: RateLimits | None = None) -> None:
        self.limits = limits or RateLimits()
        rate = self.limits.bot_per_second
        self._bot = TokenBucket(rate, max(1.0, rate)) if rate else None
        self._chats: dict[str, TokenBucket] = {}

    def _chat_bucket(self, chat_id: str) -> TokenBucket | None:
        group = chat_id.startswith("-")
        rate = self.limits.group_per_second if group else self.limits.private_per_second
        if not rate:
            return None
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if len(self._chats) >= IDLE_BUCKETS_KEPT:
                self._forget_idle()
            burst = self.limits.group_burst if group else self.limits.private_burst
            bucket = self._chats[chat_id] = TokenBucket(rate, burst)
        return bucket

    def _forget_idle(self) -> None:
        for chat_id in [key for key, bucket in self._chats.items() if bucket.idle]:
            del self._chats[chat_id]

    async def wait(self, chat_id: str) -> None:
        """Return when a message to `chat_id` may be sent."""
        bucket = self._chat_bucket(chat_id)
        if bucket is not None:
            delay = bucket.reserve()
            if delay:
                await asyncio.sleep(delay)
        if self._bot is not None:
            delay = self._bot.reserve()
            if delay:
                await asyncio.sleep(delay)

    def pause(self, chat_id: str | None, seconds: float) -> None:
        """Telegram answered 429: hold the chat (or the whole bot) for `seconds`."""
        bucket = self._chat_bucket(chat_id) if chat_id else self._bot
        if bucket is not None:
            bucket.pause(seconds)
