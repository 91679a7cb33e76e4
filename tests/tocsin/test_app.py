"""Wiring of the application's shared clients."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from tocsin.app import REDIS_CONNECTIONS, DeferredNlu, build_app, connect_redis
from tocsin.settings import Settings


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


async def test_the_desk_alone_builds_the_nlu_only_when_asked(
    tmp_path: Path, nlu_cache_dir: Path
) -> None:
    """`tocsin web` reads no story: its NLU is built on the first question, not at start-up,
    and then answers as the NLU does."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
        key_file=tmp_path / "desk.key",
        cache_dir=nlu_cache_dir,
    )
    nlu = DeferredNlu(settings)
    app = await build_app(settings, nlu=nlu)  # type: ignore[arg-type]
    try:
        assert nlu._nlu is None
        language, _confidence = nlu.detect_language("Les soldats ont arrêté trois hommes au marché")
        assert language == "fr"
        assert nlu._nlu is not None
    finally:
        await app.close()
