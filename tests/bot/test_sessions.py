"""Session stores: in process, in the database, in Redis — same behaviour, sealed at rest."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.sessions import MemorySessionStore, RedisSessionStore, Session, SqlSessionStore
from reports.crypto import Keyring
from reports.models import ConversationSession


@pytest.fixture(params=["memory", "sql", "redis"])
async def session_store(request: pytest.FixtureRequest, database: AsyncEngine, keyring: Keyring):
    if request.param == "memory":
        store = MemorySessionStore(ttl_seconds=2)
    elif request.param == "sql":
        store = SqlSessionStore(database, keyring, ttl_seconds=2)
    else:
        from redis.asyncio import Redis

        store = RedisSessionStore(
            Redis.from_url(request.getfixturevalue("redis_url")), keyring, ttl_seconds=2
        )
    yield store
    await store.close()


async def test_saved_session_loads_back(session_store) -> None:
    pseudonym = uuid.uuid4().hex
    session = Session(pseudonym, language="fr", step="place", draft={"description": "x"})
    await session_store.save(session)
    loaded = await session_store.load(pseudonym)
    assert loaded.language == "fr" and loaded.step == "place"
    assert loaded.draft.to_dict() == {"description": "x"}
    await session_store.delete(pseudonym)
    assert await session_store.load(pseudonym) is None


async def test_session_expires_after_its_ttl(session_store) -> None:
    pseudonym = uuid.uuid4().hex
    await session_store.save(Session(pseudonym, step="describe"))
    await asyncio.sleep(2.2)
    assert await session_store.load(pseudonym) is None


async def test_lock_serialises_one_sender(session_store) -> None:
    pseudonym = uuid.uuid4().hex
    order: list[str] = []

    async def hold(name: str) -> None:
        async with session_store.lock(pseudonym):
            order.append(f"{name}-in")
            await asyncio.sleep(0.05)
            order.append(f"{name}-out")

    await asyncio.gather(hold("a"), hold("b"))
    assert order in (["a-in", "a-out", "b-in", "b-out"], ["b-in", "b-out", "a-in", "a-out"])


async def test_database_sessions_are_sealed(database: AsyncEngine, keyring: Keyring) -> None:
    store = SqlSessionStore(database, keyring, ttl_seconds=60)
    await store.save(Session("p1", draft={"description": "they burned the granary"}))
    async with database.connect() as connection:
        sealed = (await connection.execute(select(ConversationSession.state_enc))).scalar_one()
    assert b"granary" not in bytes(sealed)


def test_the_lock_owner_names_this_process_as_the_inbox_does() -> None:
    from bot.inbox import worker_name
    from bot.sessions import lock_owner

    assert lock_owner() == worker_name() == lock_owner()


async def test_hold_reads_the_session_and_writes_its_change_on_release(session_store) -> None:
    pseudonym = uuid.uuid4().hex
    await session_store.save(Session(pseudonym, step="place"))
    async with session_store.hold(pseudonym) as held:
        assert held.session.step == "place"
        held.session.step = "when"
        held.save(held.session)
    assert (await session_store.load(pseudonym)).step == "when"
    async with session_store.hold(pseudonym) as held:
        held.delete()
    assert await session_store.load(pseudonym) is None


async def test_hold_writes_nothing_when_the_turn_raised(session_store) -> None:
    pseudonym = uuid.uuid4().hex
    await session_store.save(Session(pseudonym, step="place"))
    with pytest.raises(RuntimeError):
        async with session_store.hold(pseudonym) as held:
            held.save(Session(pseudonym, step="when"))
            raise RuntimeError("turn failed")
    assert (await session_store.load(pseudonym)).step == "place"
    async with session_store.hold(pseudonym) as held:  # and the lock was let go
        assert held.session.step == "place"


async def test_hold_serialises_one_sender_with_lock(session_store) -> None:
    pseudonym = uuid.uuid4().hex
    order: list[str] = []

    async def hold(name: str) -> None:
        async with session_store.hold(pseudonym):
            order.append(f"{name}-in")
            await asyncio.sleep(0.05)
            order.append(f"{name}-out")

    async def lock(name: str) -> None:
        async with session_store.lock(pseudonym):
            order.append(f"{name}-in")
            await asyncio.sleep(0.05)
            order.append(f"{name}-out")

    await asyncio.gather(hold("a"), lock("b"), hold("c"))
    assert [entry for entry in order if entry.endswith("-in")] == order[::2]
    assert all(order[i][0] == order[i + 1][0] for i in range(0, len(order), 2))


async def test_redis_release_spares_a_lock_now_held_by_another_token(
    redis_url: str, keyring: Keyring
) -> None:
    from redis.asyncio import Redis

    from bot.sessions import LOCK_PREFIX

    redis = Redis.from_url(redis_url)
    store = RedisSessionStore(redis, keyring, ttl_seconds=60)
    pseudonym = uuid.uuid4().hex
    try:
        async with store.hold(pseudonym) as held:
            # as if the lock expired mid-turn and another turn took it
            await redis.set(f"{LOCK_PREFIX}{pseudonym}", b"other:1:2:token")
            held.save(Session(pseudonym, step="place"))
        assert await redis.get(f"{LOCK_PREFIX}{pseudonym}") == b"other:1:2:token"
        assert (await store.load(pseudonym)).step == "place"
    finally:
        await redis.delete(f"{LOCK_PREFIX}{pseudonym}", f"tocsin:session:{pseudonym}")
        await store.close()
