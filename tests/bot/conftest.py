"""An engine on real storage and the real NLU, with in-process sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.engine import ConversationEngine, EngineServices
from bot.sessions import MemorySessionStore
from nlu import Nlu
from reports.crypto import Keyring
from reports.storage import ReportStore
from tests.bot.conversation import Person
from tocsin.settings import Settings


def make_settings(nlu_cache_dir: Path, **overrides: Any) -> Settings:
    return Settings(_env_file=None, cache_dir=nlu_cache_dir, **overrides)


@pytest.fixture
def engine(
    store: ReportStore, keyring: Keyring, shared_nlu: Nlu, nlu_cache_dir: Path
) -> ConversationEngine:
    services = EngineServices(
        settings=make_settings(nlu_cache_dir),
        nlu=shared_nlu,
        store=store,
        keyring=keyring,
        sessions=MemorySessionStore(ttl_seconds=3600),
    )
    return ConversationEngine(services)


@pytest.fixture
def person(engine: ConversationEngine) -> Person:
    return Person(engine)
