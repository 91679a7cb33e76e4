"""Monitors on the real engine, storage and NLU: an enrolled monitor and a community member."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from bot.engine import ConversationEngine
from bot.monitors import install
from reports.monitors import MonitorStore
from tests.bot.conversation import Person
from tests.bot.monitors.schema import database_url, migrated_sqlite  # noqa: F401


def unique(prefix: str) -> str:
    """A sender id of its own: the PostgreSQL database is shared by the whole run."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def monitors(engine: ConversationEngine) -> MonitorStore:
    return install(engine.services)


async def invite_code(monitors: MonitorStore, organisation: str = "Sahel Watch") -> str:
    invite = await monitors.create_invite(organisation, timedelta(days=7))
    return invite.code


@pytest.fixture
async def monitor(engine: ConversationEngine, monitors: MonitorStore) -> Person:
    """A person enrolled as a monitor of "Sahel Watch", speaking English."""
    person = Person(engine, sender_id=unique("monitor"), language_hint="en")
    await person.send(f"/monitor {await invite_code(monitors)}")
    return person


@pytest.fixture
def community(engine: ConversationEngine, monitors: MonitorStore) -> Person:
    return Person(engine, sender_id=unique("community"), language_hint="en")
