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
