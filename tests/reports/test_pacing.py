"""Pacing within rate limits: GCRA in one process, and the same budget shared through Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis

from reports.pacing import LocalPacer, Rate, RedisPacer
from reports.telegram_rate import OutboundLimiter, RateLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_burst_passes_then_sends_are_spaced_at_the_rate() -> None:
    pacer = LocalPacer(Clock())
    rate = Rate(per_second=10.0, burst=3)
    delays = [await pacer.reserve("chat", rate) for _ in range(5)]
    assert delays == pytest.approx([0.0, 0.0, 0.0, 0.1, 0.2])


async def test_debts_are_paid_with_time_and_keys_do_not_hold_each_other() -> None:
    clock = Clock()
    pacer = LocalPacer(clock)
    chat = Rate(1.0)
    assert await pacer.reserve("chat-a", chat) == 0.0
    assert await pacer.reserve("chat-a", chat) == pytest.approx(1.0)
    assert await pacer.reserve("chat-b", chat) == 0.0
    clock.now += 5
    assert await pacer.reserve("chat-a", chat) == 0.0


async def test_a_pause_holds_the_key_for_its_seconds() -> None:
    clock = Clock()
    pacer = LocalPacer(clock)
    rate = Rate(100.0, burst=5)
    await pacer.pause("chat", rate, 2.0)
    assert await pacer.reserve("chat", rate) == pytest.approx(2.0)
    assert await pacer.reserve("other", rate) == 0.0


@pytest.fixture
async def redis(redis_url: str):
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_two_processes_share_one_budget_through_redis(redis: Redis) -> None:
    prefix = f"tocsin-test-pace-{uuid.uuid4().hex}"
    here, elsewhere = RedisPacer(redis, prefix), RedisPacer(redis, prefix)
    rate = Rate(per_second=10.0, burst=1)
    delays = await asyncio.gather(
        *((here if n % 2 else elsewhere).reserve("bot", rate) for n in range(10))
    )
    # ten distinct slots a tenth of a second apart, whichever process asked
    assert sorted(delays) == pytest.approx([n / 10 for n in range(10)], abs=0.05)


async def test_a_429_seen_by_one_process_holds_the_others(redis: Redis) -> None:
    prefix = f"tocsin-test-pace-{uuid.uuid4().hex}"
    rate = Rate(per_second=50.0, burst=5)
    await RedisPacer(redis, prefix).pause("chat", rate, 0.5)
    wait = await RedisPacer(redis, prefix).reserve("chat", rate)
    assert wait == pytest.approx(0.5, abs=0.05)


async def test_channel_replies_and_staff_pings_draw_from_one_bot_budget(redis: Redis) -> None:
    """The escalation worker's pings and the channel's answers use the same bot token."""
    prefix = f"tocsin:test-{uuid.uuid4().hex}"
    pings = OutboundLimiter(
        RateLimits(bot_per_second=10.0, group_per_second=None),
        RedisPacer(redis),
        bot_key=f"{prefix}:bot:next",
    )
    replies = OutboundLimiter(
        RateLimits(bot_per_second=10.0, private_per_second=None),
        RedisPacer(redis),
        bot_key=f"{prefix}:bot:next",
    )
    booked = [asyncio.create_task(pings.wait(f"-100{n}", max_wait=10.0)) for n in range(8)]
    await asyncio.sleep(0.05)  # eight pings have booked 0.8 s of the bot's budget
    started = asyncio.get_running_loop().time()
    await replies.wait("41000001")
    # the reply queued behind the pings instead of overshooting the bot's rate
    assert asyncio.get_running_loop().time() - started >= 0.3
    await asyncio.gather(*booked)
