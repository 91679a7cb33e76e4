"""The outbound path as a channel sees it: run an item's turn recorded, send its replies.

A channel plugs into the one outbound path with a client that sends one message to one
recipient (`ReplyClient`) and registers its item handler; this module does the rest: replay a
recorded turn or run it recorded, send each reply from the record, mark it sent as the remote
takes it, and answer an unreadable message. A send that fails raises, so the inbox tries the
item again later, and the replay sends only what is not yet marked sent.
Telegram and WhatsApp add their own rendering state (Telegram's chat memory, WhatsApp's
24-hour window) around the same `TurnRecords` calls.
"""

from __future__ import annotations

from typing import Protocol

from bot.engine import ConversationEngine
from bot.inbox import InboxItem
from bot.messages import InboundMessage, OutboundMessage
from bot.turn_records import TurnRecords
from reports.crashpoints import crash_point
from reports.outbound import Outgoing


class ReplyClient(Protocol):
    """One remote API's sender: raises when the message did not go (see `bot.failures`)."""

    async def send_reply(self, recipient: str, message: OutboundMessage) -> None: ...


class RecordedReplies:
    """Answers a channel's inbox items through the outbound table."""

    def __init__(
        self,
        engine: ConversationEngine,
        turns: TurnRecords,
        client: ReplyClient,
        default_language: str,
    ) -> None:
        self.engine = engine
        self.turns = turns
        self.client = client
        self.default_language = default_language

    async def answer(self, item: InboxItem, inbound: InboundMessage) -> None:
        """The item's turn, run once (or replayed), its replies sent to the sender."""
        outgoing = await self.turns.replay(item)
        if outgoing is None:
            record = self.turns.start(item, inbound.sender_id)
            await self.engine.handle(inbound, record)
            outgoing = record.outgoing
        await self.send(outgoing)

    async def answer_unreadable(self, item: InboxItem, channel: str, recipient: str) -> None:
        language = await self.turns.language_of(channel, recipient, None)
        outgoing = await self.turns.record_unreadable(
            item, recipient, language or self.default_language
        )
        await self.send(outgoing)

    async def send(self, outgoing: list[Outgoing]) -> None:
        """In order; each marked sent once the remote took it."""
        for one in outgoing:
            await self.client.send_reply(one.recipient, OutboundMessage.from_dict(one.message))
            crash_point("after_remote")
            await self.turns.outbound.mark_sent(one.id)
