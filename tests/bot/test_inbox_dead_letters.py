"""A message that cannot be handled is answered and parked, never holding the person's next
one; operators list and retry dead letters; a restart takes back a dead process's leases."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.inbox import Inbox, InboxItem, worker_name
from bot.inbox_processor import InboxProcessor
from reports.crypto import Keyring
from reports.models import InboundItem
from tests.bot.test_inbox import eventually, leases, running


async def test_a_message_that_cannot_be_read_is_answered_parked_and_holds_nothing_back(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    seen: list[bytes] = []
    answered: list[bytes] = []

    async def handle(item: InboxItem) -> None:
        if item.payload == b"poison":
            raise TypeError("location is a string")
        seen.append(item.payload)

    async def apologise(item: InboxItem) -> None:
        answered.append(item.payload)

    processor = InboxProcessor(
        inbox, {"console": handle}, apologies={"console": apologise}, poll_seconds=0.2
    )

    async def next_one_handled() -> bool:
        return seen == [b"next"]

    async with running(processor):
        await inbox.accept("console", "p", "sender-a", b"poison")
        await inbox.accept("console", "n", "sender-a", b"next")
        await eventually(next_one_handled, seconds=10)  # no back-off: answered at once
    assert answered == [b"poison"] and seen == [b"next"]
    [letter] = await inbox.failed()
    assert (letter.channel, letter.error) == ("console", "TypeError")
    assert (await leases(database))["p"] == ("failed", None)


async def test_a_remote_outage_is_answered_within_seconds_and_the_conversation_goes_on(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    answered: list[bytes] = []
    now = [datetime.now(UTC)]

    async def handle(item: InboxItem) -> None:
        raise ConnectionError("media lookup answers 500")

    async def apologise(item: InboxItem) -> None:
        answered.append(item.payload)

    processor = InboxProcessor(
        inbox,
        {"console": handle},
        apologies={"console": apologise},
        poll_seconds=0.1,
        clock=lambda: now[0],
    )
    async with running(processor):
        await inbox.accept("console", "m", "sender-a", b"photo")
        await eventually(lambda: _backing_off(database, "m"), seconds=10)
        assert answered == []  # a first remote failure is simply tried again
        now[0] += timedelta(seconds=7)  # still failing well after it arrived
        await _due_now(database)
        await eventually(lambda: _status(database, "m", "failed"), seconds=10)
    assert answered == [b"photo"]


async def _backing_off(database: AsyncEngine, external_id: str) -> bool:
    return (await leases(database)).get(external_id) == ("pending", None)


async def _status(database: AsyncEngine, external_id: str, status: str) -> bool:
    return (await leases(database)).get(external_id, ("",))[0] == status


async def _due_now(database: AsyncEngine) -> None:
    """Items backing off (held by nobody) are due now."""
    async with database.begin() as connection:
        await connection.execute(
            update(InboundItem)
            .where(InboundItem.locked_by.is_(None))
            .values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )


async def test_a_parked_message_can_be_given_another_run(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    await inbox.accept("console", "x", "s", b"x")
    [item] = await inbox.claim("w1")
    await inbox.park(item.id, "ValidationError")
    assert await inbox.claim("w1") == []
    assert await inbox.requeue(item.id)
    assert not await inbox.requeue(item.id)  # no longer a dead letter
    [again] = await inbox.claim("w2")
    assert (again.id, again.payload, again.attempts) == (item.id, b"x", 1)
    assert await inbox.failed() == []


async def test_a_restart_takes_back_at_once_the_leases_of_a_dead_process_of_this_host(
    database: AsyncEngine, keyring: Keyring
) -> None:
    inbox = Inbox(database, keyring)
    host = socket.gethostname()[:32]
    dead = f"{host}:{2**22 + 17}:123456:1"  # above the kernel's largest pid: not running
    alive = f"{worker_name()}:1"  # this very process
    elsewhere = "another-host:1:1:1"  # judged only by its own host; its lease runs out
    for name in ("dead", "alive", "elsewhere"):
        await inbox.accept("console", name, name, name.encode())
    async with database.begin() as connection:
        for name, holder in (("dead", dead), ("alive", alive), ("elsewhere", elsewhere)):
            await connection.execute(
                update(InboundItem)
                .where(InboundItem.external_id == name)
                .values(locked_by=holder, locked_until=datetime.now(UTC) + timedelta(minutes=1))
            )
    assert await inbox.take_back_leases() == 1
    state = await leases(database)
    assert state["dead"] == ("pending", None)
    assert state["alive"] == ("pending", alive) and state["elsewhere"] == ("pending", elsewhere)
    assert [item.payload for item in await inbox.claim("w")] == [b"dead"]
    assert os.getpid() == int(alive.split(":")[1])
