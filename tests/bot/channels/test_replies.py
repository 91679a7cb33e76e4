"""The outbound path a channel plugs into: a turn runs once, its replies leave from its record.

`Phone` stands for a channel's client (one remote API's sender): it is the whole of what a new
channel such as SMS writes, besides parsing its webhook and registering its handler."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.replies import RecordedReplies
from bot.engine import ConversationEngine
from bot.inbox import Inbox, InboxItem
from bot.messages import InboundMessage, OutboundMessage
from bot.turn_records import TurnRecords
from reports.crypto import Keyring
from reports.models import OutboundRow
from reports.outbound import OutboundLog


@dataclass
class Phone:
    """Takes messages, or refuses the next `down` of them as an outage would."""

    received: list[tuple[str, str]] = field(default_factory=list)
    down: int = 0

    async def send_reply(self, recipient: str, message: OutboundMessage) -> None:
        if self.down:
            self.down -= 1
            raise ConnectionError("gateway unreachable")
        self.received.append((recipient, message.text))


async def taken(inbox: Inbox, external_id: str, text: str) -> InboxItem:
    await inbox.accept("sms", external_id, "sender-key", text.encode())
    [item] = await inbox.claim("worker-1", lease_seconds=0)
    return item


async def test_an_item_taken_again_after_its_replies_went_out_is_not_answered_twice(
    database: AsyncEngine, keyring: Keyring, engine: ConversationEngine
) -> None:
    phone = Phone()
    turns = TurnRecords(database, keyring, OutboundLog(database, keyring), engine.services.sessions)
    replies = RecordedReplies(engine, turns, phone, "en")
    inbox = Inbox(database, keyring)
    item = await taken(inbox, "m1", "/help")
    await replies.answer(item, InboundMessage("sms", "+22370000001", text="/help"))
    assert len(phone.received) == 1 and phone.received[0][0] == "+22370000001"
    [again] = await inbox.claim("worker-2")  # the first worker died before completing it
    assert again.attempts == 2
    await replies.answer(again, InboundMessage("sms", "+22370000001", text="/help"))
    assert len(phone.received) == 1  # replayed: nothing left to send, the turn did not rerun


async def test_replies_an_outage_stopped_leave_from_the_record_when_the_item_runs_again(
    database: AsyncEngine, keyring: Keyring, engine: ConversationEngine
) -> None:
    phone = Phone(down=1)
    turns = TurnRecords(database, keyring, OutboundLog(database, keyring), engine.services.sessions)
    replies = RecordedReplies(engine, turns, phone, "en")
    inbox = Inbox(database, keyring)
    story = "Soldiers beat three men at the market in Gao yesterday evening"
    item = await taken(inbox, "m1", story)
    inbound = InboundMessage("sms", "+22370000002", text=story)
    try:
        await replies.answer(item, inbound)
        raise AssertionError("the outage must reach the inbox, which retries the item")
    except ConnectionError:
        pass
    [again] = await inbox.claim("worker-1")
    await replies.answer(again, inbound)
    first_run = [text for _to, text in phone.received]
    async with database.connect() as connection:
        rows = list(await connection.execute(select(OutboundRow.status)))
    assert [row.status for row in rows] == ["sent"] * len(first_run)  # recorded once
    assert len(first_run) >= 2  # the welcome and the first question, once each


async def test_a_sent_message_is_not_kept(
    database: AsyncEngine, keyring: Keyring, engine: ConversationEngine
) -> None:
    phone = Phone()
    turns = TurnRecords(database, keyring, OutboundLog(database, keyring), engine.services.sessions)
    inbox = Inbox(database, keyring)
    item = await taken(inbox, "m1", "/help")
    await RecordedReplies(engine, turns, phone, "en").answer(
        item, InboundMessage("sms", "+22370000003", text="/help")
    )
    async with database.connect() as connection:
        rows = list(await connection.execute(select(OutboundRow.status, OutboundRow.payload_enc)))
    assert [(row.status, bytes(row.payload_enc)) for row in rows] == [("sent", b"")]
