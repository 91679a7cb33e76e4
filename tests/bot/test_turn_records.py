"""The recorded outcome of a turn: written with its replies, read back on a second attempt."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.inbox import InboxItem
from bot.messages import OutboundMessage
from bot.sessions import MemorySessionStore, Session
from bot.turn_records import TurnRecords
from reports.crypto import Keyring
from reports.models import InboundItem
from reports.outbound import OutboundLog
from reports.unit import unit_of_work


async def _item(database: AsyncEngine, external_id: str) -> InboxItem:
    now = datetime.now(UTC)
    values = {
        "channel": "telegram",
        "external_id": external_id,
        "sender_key": "k",
        "payload_enc": b"{}",
        "status": "processing",
        "attempts": 1,
        "received_at": now,
    }
    async with database.begin() as connection:
        row_id = (
            await connection.execute(insert(InboundItem).values(values).returning(InboundItem.id))
        ).scalar_one()
    return InboxItem(row_id, "telegram", external_id, "k", b"{}", 2, now)


async def test_outcome_and_replies_are_recorded_and_replayed(
    database: AsyncEngine, keyring: Keyring
) -> None:
    sessions = MemorySessionStore(ttl_seconds=60)
    records = TurnRecords(database, keyring, OutboundLog(database, keyring), sessions)
    for replies in ([OutboundMessage("one"), OutboundMessage("two")], []):
        item = await _item(database, f"u{len(replies)}")
        record = records.start(item, "42")
        async with unit_of_work(database) as unit:
            await record.write(unit, "p", Session("p", step="place"), replies)
        assert [one.message["text"] for one in record.outgoing] == ["one", "two"][: len(replies)]
        await sessions.delete("p")
        pending = await records.replay(item)
        assert [one.message["text"] for one in pending] == ["one", "two"][: len(replies)]
        assert (await sessions.load("p")).step == "place"


async def test_outcome_joins_the_transaction_of_a_turn_that_wrote(
    database: AsyncEngine, keyring: Keyring
) -> None:
    sessions = MemorySessionStore(ttl_seconds=60)
    records = TurnRecords(database, keyring, OutboundLog(database, keyring), sessions)
    item = await _item(database, "wrote")
    record = records.start(item, "42")
    async with unit_of_work(database) as unit:
        db = await unit.session()  # as a report stored by the turn opens it
        await db.execute(text("SELECT 1"))
        assert unit.open
        await record.write(unit, "p", None, [OutboundMessage("one")])
    assert [one.message["text"] for one in await records.replay(item)] == ["one"]
    assert await sessions.load("p") is None
