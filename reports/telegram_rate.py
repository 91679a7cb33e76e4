"""Pacing outgoing Telegram messages within the Bot API's limits.

Telegram asks bots to stay under about 30 messages a second overall, one a second in a private
chat (short bursts pass) and 20 a minute in a group; above that it answers 429 with
`retry_after`. Token buckets keep us under those figures so that 429 stays the exception, and a
429 that comes anyway pauses the chat it concerns. Each send reserves its slot at once, so
concurrent senders queue fairly without a lock (see `reports.pacing`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reports.pacing import LocalPacer, Pacer, Rate, wait_for_slot


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


# the escalation worker's pings draw from the same bot budget (escalation.ratelimit)
BOT_KEY = "tocsin:tg:bot:next"
BOT_BURST = 3  # a few at once; a burst of a whole second's worth could double the rate


class OutboundLimiter:
    """Waits, before each message, until the bot's and the chat's limits allow it.

    With a RedisPacer the budgets are shared by every process that sends with this bot (chat
    keys are keyed hashes of the chat, never its id); otherwise they are this process's own.
    """

    def __init__(
        self,
        limits: RateLimits | None = None,
        pacer: Pacer | None = None,
        chat_key: Callable[[str], str] = str,
        bot_key: str = BOT_KEY,
    ) -> None:
        self.limits = limits or RateLimits()
        self.pacer = pacer or LocalPacer()
        self._chat_key = chat_key
        self._bot_key = bot_key
        rate = self.limits.bot_per_second
        self._bot = Rate(rate, BOT_BURST) if rate else None

    def _chat_rate(self, chat_id: str) -> Rate | None:
        if chat_id.startswith("-"):
            rate, burst = self.limits.group_per_second, self.limits.group_burst
        else:
            rate, burst = self.limits.private_per_second, self.limits.private_burst
        return Rate(rate, burst) if rate else None

    def _limits(self, chat_id: str | None) -> list[tuple[str, Rate]]:
        limits = []
        chat = self._chat_rate(chat_id) if chat_id else None
        if chat_id and chat is not None:
            limits.append(("tg:chat:" + self._chat_key(chat_id), chat))
        if self._bot is not None:
            limits.append((self._bot_key, self._bot))
        return limits

    async def wait(self, chat_id: str) -> None:
        """Return when a message to `chat_id` may be sent."""
        limits = self._limits(chat_id)
        if limits:
            await wait_for_slot(self.pacer, limits)

    async def pause(self, chat_id: str | None, seconds: float) -> None:
        """Telegram answered 429: hold the chat (or the whole bot) for `seconds`."""
        limits = self._limits(chat_id)
        if limits:
            key, rate = limits[0]
            await self.pacer.pause(key, rate, seconds)
