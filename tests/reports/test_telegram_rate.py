"""Telegram's sending limits, in one process and shared by several through Redis: the one
limiter that replies and staff pings both draw from."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from reports.pacing import LocalPacer, RedisPacer
from reports.telegram_rate import OutboundLimiter, RateLimits


async def test_a_process_spaces_its_sends_and_keeps_each_chat_under_its_minute_budget() -> None:
    pacer = LocalPacer(clock=lambda: 100.0)
    limits = RateLimits(bot_per_second=10, bot_burst=1, private_per_second=3 / 60, private_burst=1)
    limiter = OutboundLimiter(limits, pacer)

    async def waits(chat: str) -> list[float]:
        return [await pacer.reserve(key, rate) for key, rate in limiter.budgets(chat)]

    bot_slots = [(await waits(f"chat{i}"))[1] for i in range(5)]
    assert bot_slots == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    same_chat = [(await waits("busy"))[0] for _ in range(4)]
    assert same_chat[3] >= same_chat[0] + 60, "the fourth send in one chat waits a minute"


async def test_a_slot_too_far_away_is_not_taken() -> None:
    limiter = OutboundLimiter(
        RateLimits(bot_per_second=1000, private_per_second=1 / 60, private_burst=1)
    )
    assert await limiter.wait("chat") == 0
    assert await limiter.wait("chat", max_wait=1) > 50
    await limiter.pause("other", 30)
    assert await limiter.wait("other", max_wait=1) > 25


@pytest.mark.redis
async def test_workers_sharing_redis_stay_under_one_bot_wide_limit(redis_url: str) -> None:
    from redis.asyncio import Redis

    prefix = f"tocsin:test:{uuid.uuid4().hex[:8]}"
    clients = [Redis.from_url(redis_url) for _ in range(2)]
    limits = RateLimits(bot_per_second=10, bot_burst=1, private_per_second=None)
    limiters = [
        OutboundLimiter(limits, RedisPacer(client, prefix), bot_key=f"{prefix}:bot:next")
        for client in clients
    ]
    moments: list[float] = []

    async def send(limiter: OutboundLimiter, index: int) -> None:
        assert await limiter.wait(f"chat{index}") == 0
        moments.append(time.monotonic())

    await asyncio.gather(*(send(limiters[i % 2], i) for i in range(25)))
    for client in clients:
        await client.aclose()
    moments.sort()
    assert moments[-1] - moments[0] >= 2.3, "25 sends at 10 a second take 2.4 s, together"
    busiest = max(sum(1 for t in moments if start <= t < start + 1) for start in moments)
    assert busiest <= 11  # ten a second, give or take one woken late


@pytest.mark.redis
async def test_a_429_seen_by_one_worker_pauses_the_chat_for_all(redis_url: str) -> None:
    from redis.asyncio import Redis

    prefix = f"tocsin:test:{uuid.uuid4().hex[:8]}"
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    limits, bot = RateLimits(bot_per_second=30), f"{prefix}:bot:next"
    await OutboundLimiter(limits, RedisPacer(first, prefix), bot_key=bot).pause("-100", 5)
    second_process = OutboundLimiter(limits, RedisPacer(second, prefix), bot_key=bot)
    delay = await second_process.wait("-100", max_wait=1)
    await first.aclose()
    await second.aclose()
    assert 4 < delay <= 5
