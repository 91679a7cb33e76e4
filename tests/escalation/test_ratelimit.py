"""Telegram's sending limits, in one process and shared by several through Redis."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from escalation.ratelimit import RateLimiter, SharedRateLimiter


def test_a_process_spaces_its_sends_and_keeps_each_chat_under_its_minute_budget() -> None:
    clock = [100.0]
    limiter = RateLimiter(per_second=10, per_chat_per_minute=3, monotonic=lambda: clock[0])
    slots = [limiter.reserve(f"chat{i}") for i in range(5)]
    assert slots == pytest.approx([100.0, 100.1, 100.2, 100.3, 100.4])
    same_chat = [limiter.reserve("busy") for _ in range(4)]
    assert same_chat[3] >= same_chat[0] + 60, "the fourth send in one chat waits a minute"


async def test_a_slot_too_far_away_is_not_taken() -> None:
    limiter = RateLimiter(per_second=1000, per_chat_per_minute=1)
    assert await limiter.wait("chat") == 0
    assert await limiter.wait("chat", max_wait=1) > 50
    limiter.pause("other", 30)
    assert await limiter.wait("other", max_wait=1) > 25


@pytest.mark.redis
async def test_workers_sharing_redis_stay_under_one_bot_wide_limit(redis_url: str) -> None:
    from redis.asyncio import Redis

    prefix = f"tocsin:test:{uuid.uuid4().hex[:8]}"
    clients = [Redis.from_url(redis_url) for _ in range(2)]
    limiters = [SharedRateLimiter(client, 10, 1000, prefix=prefix) for client in clients]
    moments: list[float] = []

    async def send(limiter: SharedRateLimiter, index: int) -> None:
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
    SharedRateLimiter(first, 30, 20, prefix=prefix).pause("-100", 5)
    await asyncio.sleep(0.05)
    delay = await SharedRateLimiter(second, 30, 20, prefix=prefix).wait("-100", max_wait=1)
    await first.aclose()
    await second.aclose()
    assert 4 < delay <= 5
