"""The one wake-up mechanism: this process's loops at once, the others' through Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from reports.wakeup import Wakeup


async def test_a_wake_up_sets_every_loop_of_the_process_without_redis() -> None:
    wakes = Wakeup()
    first, second = wakes.subscribe(), wakes.subscribe()
    await wakes.announce()
    assert first.is_set() and second.is_set()
    first.clear()
    wakes.notify()
    assert first.is_set()
    await wakes.listen()  # nothing to listen to: returns at once


class BrokenRedis:
    async def publish(self, channel: str, message: bytes) -> int:
        raise ConnectionError("redis is down")


async def test_a_publish_that_fails_still_wakes_this_process() -> None:
    wakes = Wakeup(BrokenRedis(), "tocsin:test")
    here = wakes.subscribe()
    await wakes.announce()  # logged, not raised: polling finds the work anyway
    assert here.is_set()


@pytest.mark.redis
async def test_a_wake_up_reaches_another_process_through_redis(redis_url: str) -> None:
    from redis.asyncio import Redis

    channel = f"tocsin:test:wake:{uuid.uuid4().hex[:8]}"
    publisher, subscriber = Redis.from_url(redis_url), Redis.from_url(redis_url)
    elsewhere = Wakeup(subscriber, channel)
    woken = elsewhere.subscribe()
    listener = asyncio.create_task(elsewhere.listen())
    try:
        for _ in range(50):  # the subscription takes a moment to be in place
            await Wakeup(publisher, channel).announce()
            try:
                await asyncio.wait_for(woken.wait(), 0.1)
                break
            except TimeoutError:
                continue
        assert woken.is_set()
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await publisher.aclose()
        await subscriber.aclose()
