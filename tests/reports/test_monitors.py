"""Invite codes and monitors in storage: hashed, single-use, expiring, revocable, slowed down."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from reports.crypto import Keyring
from reports.monitors import (
    FREE_ATTEMPTS,
    Enrolment,
    MonitorInvite,
    MonitorStore,
    new_code,
    normalise_code,
    pause_after,
)
from reports.records import ReportDraft
from reports.storage import ReportStore
from tests.bot.monitors.schema import database_url, migrated_sqlite  # noqa: F401

WEEK = timedelta(days=7)


@pytest.fixture
def monitors(database: AsyncEngine, keyring: Keyring) -> MonitorStore:
    return MonitorStore(database, keyring)


def pseudonym() -> str:
    """A sender of its own: the PostgreSQL database is shared by the whole run."""
    return uuid.uuid4().hex


async def test_an_invite_code_is_stored_only_as_its_keyed_hash(
    monitors: MonitorStore, database: AsyncEngine, keyring: Keyring
) -> None:
    invite = await monitors.create_invite("Sahel Watch", WEEK)
    async with database.connect() as connection:
        row = (
            await connection.execute(select(MonitorInvite).where(MonitorInvite.id == invite.id))
        ).one()
    stored = " ".join(str(value) for value in row)
    assert normalise_code(invite.code) not in stored.upper().replace("-", "")
    assert row.code_hash == keyring.hash_secret(normalise_code(invite.code) or "")


async def test_a_code_enrols_once_with_its_organisation(monitors: MonitorStore) -> None:
    invite = await monitors.create_invite("Sahel Watch", WEEK)
    first, second = pseudonym(), pseudonym()
    result = await monitors.enrol(first, "telegram", invite.code)
    assert (result.outcome, result.organisation) == (Enrolment.ENROLLED, "Sahel Watch")
    assert await monitors.profile(first) == ("monitor", "Sahel Watch")
    assert (await monitors.enrol(second, "telegram", invite.code)).outcome is Enrolment.USED
    assert await monitors.profile(second) == ("community", None)


async def test_codes_are_forgiving_about_case_spaces_and_dashes(monitors: MonitorStore) -> None:
    invite = await monitors.create_invite("Sahel Watch", WEEK)
    typed = invite.code.lower().replace("-", " ")
    assert (await monitors.enrol(pseudonym(), "console", typed)).outcome is Enrolment.ENROLLED


async def test_an_expired_code_is_refused_as_expired(monitors: MonitorStore) -> None:
    invite = await monitors.create_invite("Sahel Watch", timedelta(seconds=-1))
    result = await monitors.enrol(pseudonym(), "console", invite.code)
    assert result.outcome is Enrolment.EXPIRED


async def test_an_unknown_code_is_wrong(monitors: MonitorStore) -> None:
    assert (await monitors.enrol(pseudonym(), "console", new_code())).outcome is Enrolment.WRONG
    assert (await monitors.enrol(pseudonym(), "console", "hello")).outcome is Enrolment.WRONG


async def test_two_people_racing_for_one_code_cannot_both_win(monitors: MonitorStore) -> None:
    invite = await monitors.create_invite("Sahel Watch", WEEK)
    results = await asyncio.gather(
        *(monitors.enrol(pseudonym(), "telegram", invite.code) for _ in range(5))
    )
    outcomes = sorted(result.outcome.value for result in results)
    assert outcomes.count("enrolled") == 1
    assert set(outcomes) == {"enrolled", "used"}


async def test_an_active_monitor_does_not_spend_another_code(monitors: MonitorStore) -> None:
    person = pseudonym()
    await monitors.enrol(person, "console", (await monitors.create_invite("A", WEEK)).code)
    spare = await monitors.create_invite("B", WEEK)
    result = await monitors.enrol(person, "console", spare.code)
    assert (result.outcome, result.organisation) == (Enrolment.ALREADY, "A")
    other = await monitors.enrol(pseudonym(), "console", spare.code)
    assert other.outcome is Enrolment.ENROLLED


async def test_repeated_wrong_codes_are_slowed_down_even_before_a_right_one(
    monitors: MonitorStore,
) -> None:
    person = pseudonym()
    for _ in range(FREE_ATTEMPTS):
        assert (await monitors.enrol(person, "console", new_code())).outcome is Enrolment.WRONG
    invite = await monitors.create_invite("Sahel Watch", WEEK)
    result = await monitors.enrol(person, "console", invite.code)
    assert result.outcome is Enrolment.SLOWED
    assert result.retry_after is not None and result.retry_after > timedelta(0)
    assert await monitors.profile(person) == ("community", None)
    # another sender is not slowed down by someone else's guesses
    assert (await monitors.enrol(pseudonym(), "console", invite.code)).outcome is Enrolment.ENROLLED


def test_the_pause_doubles_with_each_wrong_code_and_is_capped() -> None:
    assert pause_after(FREE_ATTEMPTS - 1) is None
    first = pause_after(FREE_ATTEMPTS)
    assert first is not None and pause_after(FREE_ATTEMPTS + 1) == 2 * first
    assert pause_after(100) == timedelta(hours=1)


async def test_revoking_ends_the_monitor_role(monitors: MonitorStore, store: ReportStore) -> None:
    person = pseudonym()
    await monitors.enrol(person, "whatsapp", (await monitors.create_invite("Org", WEEK)).code)
    await store.submit(
        ReportDraft(
            channel="whatsapp",
            reporter_pseudonym=person,
            language="en",
            category="killing",
            reporter_role="monitor",
            organisation="Org",
        )
    )
    [view] = [view for view in await monitors.list_monitors() if view.pseudonym == person]
    assert (view.active, view.reports, view.channel) == (True, 1, "whatsapp")
    assert await monitors.revoke(view.id)
    assert not await monitors.revoke(view.id)
    assert await monitors.profile(person) == ("community", None)
    revoked = await monitors.get(view.id)
    assert revoked is not None and not revoked.active


async def test_a_revoked_monitor_can_be_enrolled_again_by_a_new_code(
    monitors: MonitorStore,
) -> None:
    person = pseudonym()
    await monitors.enrol(person, "console", (await monitors.create_invite("Old", WEEK)).code)
    [view] = [view for view in await monitors.list_monitors() if view.pseudonym == person]
    await monitors.revoke(view.id)
    result = await monitors.enrol(
        person, "console", (await monitors.create_invite("New", WEEK)).code
    )
    assert result.outcome is Enrolment.ENROLLED
    assert await monitors.profile(person) == ("monitor", "New")
