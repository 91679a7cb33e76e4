"""Channel adapters: each parses its own payloads and renders OutboundMessages, nothing more."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.messages import OutboundMessage


class ChannelSender(Protocol):
    """Sends messages the person did not just ask for (a staff question, a status change).

    `recipient_id` is the channel's raw id, known only from a consenting reporter's sealed
    contact or a configured staff chat.
    """

    channel: str

    async def send(self, recipient_id: str, messages: Sequence[OutboundMessage]) -> None: ...


class StaffGateway(Protocol):
    """Where a channel hands what monitoring staff do in a staff chat (set by escalation).

    The Telegram channel calls it for button presses and messages in configured staff chats;
    it returns the short text to show the staff member (e.g. a callback answer).
    """

    @property
    def staff_chats(self) -> frozenset[str]:
        """Every staff chat id whose actions belong to the gateway."""
        ...

    async def handle_staff_action(
        self, channel: str, chat_id: str, user_id: str, message_id: str, data: str
    ) -> str: ...

    async def handle_staff_message(
        self, channel: str, chat_id: str, user_id: str, text: str, reply_to_message_id: str | None
    ) -> str | None: ...
