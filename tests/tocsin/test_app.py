"""Wiring of the application's shared clients."""

from __future__ import annotations

import asyncio
import uuid

from tocsin.app import REDIS_CONNECTIONS, connect_redis


async def test_redis_bursts_wait_for_a_connection_instead_of_failing(redis_url: str) -> None:
    """Hundreds of concurrent turns each hold a Redis connection for a moment (a lock, a
    session read); more of them than the pool holds must queue, not raise."""
    client = await connect_redis(redis_url)
    key = f"tocsin-test-empty-{uuid.uuid4().hex}"
    try:
        holders = REDIS_CONNECTIONS * 3
        results = await asyncio.gather(*(client.blpop([key], timeout=0.2) for _ in range(holders)))
        assert results == [None] * holders
    finally:
        await client.aclose()
