"""A person who comes back to a half-told report is asked whether to continue."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.engine import ConversationEngine, EngineServices
from bot.sessions import MemorySessionStore
from nlu import Nlu
from reports.crypto import Keyring
from reports.storage import ReportStore
from tests.bot.conftest import make_settings
from tests.bot.conversation import Person


def engine_with(store, keyring, nlu, cache, **settings) -> ConversationEngine:
    return ConversationEngine(
        EngineServices(
            settings=make_settings(cache, **settings),
            nlu=nlu,
            store=store,
            keyring=keyring,
            sessions=MemorySessionStore(ttl_seconds=settings.get("session_ttl_seconds", 60)),
        )
    )


async def test_idle_report_can_be_continued_or_restarted(
    store: ReportStore, keyring: Keyring, shared_nlu: Nlu, nlu_cache_dir: Path
) -> None:
    engine = engine_with(store, keyring, shared_nlu, nlu_cache_dir, session_resume_after_seconds=1)
    person = Person(engine)
    await person.send("/start")
    await person.pick("lang:en")
    await person.send("Soldiers beat three men at the market in Mopti yesterday evening")
    step = person.step
    await asyncio.sleep(1.2)
    await person.send("yes")
    assert person.step == "resume"
    await person.pick("continue")
    assert person.step == step
    await asyncio.sleep(1.2)
    await person.send("hello")
    await person.pick("restart")
    assert person.step == "describe"


async def test_expired_session_is_discarded(
    store: ReportStore, keyring: Keyring, shared_nlu: Nlu, nlu_cache_dir: Path
) -> None:
    engine = engine_with(store, keyring, shared_nlu, nlu_cache_dir, session_ttl_seconds=1)
    person = Person(engine)
    await person.send("/start")
    await person.pick("lang:en")
    await person.send("Soldiers beat three men at the market in Mopti yesterday evening")
    await asyncio.sleep(1.2)
    await person.send("/start")
    assert person.step in ("language", "describe")
