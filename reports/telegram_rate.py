"""Pacing outgoing Telegram messages within the Bot API's limits.

Telegram asks bots to stay under about 30 messages a second overall, one a second in a private
chat (short bursts pass) and 20 a minute in a group; above that it answers 429 with
`retry_after`. Token buckets keep us under those figures so that 429 stays the exception, and a
429 that comes anyway pauses the chat it concerns. Each send reserves its slot at once, so
concurrent senders queue fairly without a lock (see `reports.pacing`).

This is the one Telegram limiter: the conversation's replies (`bot`) and the staff pings
(`escalation`) both draw from it, on the same Redis keys with the same (Redis) clock, with the
one rate setting (`TOCSIN_TELEGRAM_PER_SECOND`, or none with `TOCSIN_TELEGRAM_RATE_LIMITS=false`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reports.pacing import LocalPacer, Pacer, Rate, RedisPacer, wait_for_slot


@dataclass(frozen=True)
class RateLimits:
    """Messages per second for the whole bot, per private chat and per group chat."""

    bot_per_second: float | None = 30.0
    bot_burst: int = 3  # a few at once; a burst of a whole second's worth could double the rate
    private_per_second: float | None = 1.0
    private_burst: int = 3
    group_per_second: float | None = 20 / 60
    group_burst: int = 3

    @classmethod
    def unlimited(cls) -> RateLimits:
        """No pacing at all (a benchmark against a fake API that has no limits)."""
        return cls(bot_per_second=None, private_per_second=None, group_per_second=None)

    @classmethod
    def from_settings(cls, settings: Any) -> RateLimits:
        """The deployment's one setting: the bot-wide rate, or no pacing at all."""
        if not getattr(settings, "telegram_rate_limits", True):
            return cls.unlimited()
        return cls(bot_per_second=getattr(settings, "telegram_per_second", cls.bot_per_second))


BOT_KEY = "tocsin:tg:bot:next"


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
        self._bot = Rate(rate, self.limits.bot_burst) if rate else None

    def _chat_rate(self, chat_id: str) -> Rate | None:
        if chat_id.startswith("-"):
            rate, burst = self.limits.group_per_second, self.limits.group_burst
        else:
            rate, burst = self.limits.private_per_second, self.limits.private_burst
        return Rate(rate, burst) if rate else None

    def budgets(self, chat_id: str | None) -> list[tuple[str, Rate]]:
        """The keys a message to `chat_id` draws from, the chat's first, and their rates."""
        limits = []
        chat = self._chat_rate(chat_id) if chat_id else None
        if chat_id and chat is not None:
            limits.append(("tg:chat:" + self._chat_key(chat_id), chat))
        if self._bot is not None:
            limits.append((self._bot_key, self._bot))
        return limits

    async def wait(self, chat_id: str, max_wait: float | None = None) -> float:
        """Return when a message to `chat_id` may be sent: 0. With `max_wait`, a slot further
        away is not waited for and its wait is returned (a staff ping reschedules itself)."""
        limits = self.budgets(chat_id)
        if not limits:
            return 0.0
        return await wait_for_slot(self.pacer, limits, max_wait)

    async def pause(self, chat_id: str | None, seconds: float) -> None:
        """Telegram answered 429: hold the chat (or the whole bot) for `seconds`."""
        limits = self.budgets(chat_id)
        if limits:
            key, rate = limits[0]
            await self.pacer.pause(key, rate, seconds)


def shared_limiter(
    limits: RateLimits | None, redis: Any = None, keyring: Any = None
) -> OutboundLimiter:
    """The process's limiter: budgets shared by every process through Redis when there is one
    (chats by keyed hash, never their ids), else this process's own. Every sender with the
    bot's token (replies, staff pings) is given this one."""
    if redis is None:
        return OutboundLimiter(limits)
    return OutboundLimiter(
        limits,
        RedisPacer(redis),
        chat_key=lambda chat_id: keyring.pseudonym("telegram-pace", chat_id),
    )
