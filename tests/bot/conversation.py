"""A person talking to the engine in-process, for flow tests (no channel involved)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.engine import ConversationEngine, EngineServices
from bot.messages import InboundMessage, Location, MediaRef, OutboundMessage

REFERENCE = re.compile(r"TX-[A-Z0-9]{4}-[A-Z0-9]{4}")


def media(content: bytes, kind: str = "photo", mime_type: str = "image/jpeg") -> MediaRef:
    async def fetch() -> bytes:
        return content

    return MediaRef(kind=kind, fetch=fetch, mime_type=mime_type, size=len(content))


@dataclass
class Person:
    """Sends messages as one sender and keeps what the bot answered."""

    engine: ConversationEngine
    sender_id: str = "person-1"
    channel: str = "test"
    language_hint: str | None = None
    answers: int = 0
    transcript: list[OutboundMessage] = field(default_factory=list)
    now: datetime | None = None

    @property
    def services(self) -> EngineServices:
        return self.engine.services

    async def send(
        self,
        text: str | None = None,
        *,
        choice: str | None = None,
        location: Location | None = None,
        media_ref: MediaRef | None = None,
        unsupported: str | None = None,
        message_id: str | None = None,
    ) -> list[OutboundMessage]:
        inbound = InboundMessage(
            channel=self.channel,
            sender_id=self.sender_id,
            text=text,
            choice=choice,
            location=location,
            media=media_ref,
            unsupported=unsupported,
            language_hint=self.language_hint,
            message_id=message_id,
            received_at=self.now or datetime.now(UTC),
        )
        if not (text or "").startswith("/"):
            self.answers += 1
        replies = await self.engine.handle(inbound)
        self.transcript.extend(replies)
        return replies

    @property
    def last(self) -> OutboundMessage:
        return self.transcript[-1]

    @property
    def step(self) -> str | None:
        return self.last.step

    def choice_id(self, label_part: str) -> str:
        """The id of the last question's choice whose label contains `label_part`."""
        for choice in self.last.choices:
            if label_part.casefold() in choice.label.casefold():
                return choice.id
        raise AssertionError(f"no choice like {label_part!r} in {self.last.choices}")

    async def choose(self, label_part: str) -> list[OutboundMessage]:
        return await self.send(choice=self.choice_id(label_part))

    async def pick(self, choice_id: str) -> list[OutboundMessage]:
        assert choice_id in [c.id for c in self.last.choices], (choice_id, self.last)
        return await self.send(choice=choice_id)

    def text(self) -> str:
        return "\n".join(message.text for message in self.transcript)

    def reference(self) -> str | None:
        found = REFERENCE.findall(self.text())
        return found[-1] if found else None
