"""The channel-neutral seam: what a person sent, and what the bot answers.

A channel adapter turns its payload into one `InboundMessage` and renders each
`OutboundMessage` in its own terms (buttons, keyboards, numbered lines). Everything behind this
seam is tested without any channel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

MEDIA_KINDS: tuple[str, ...] = ("photo", "voice", "audio", "video", "document")
# InboundMessage.unsupported of a pin no place on Earth has (NaN, latitude 999...)
IMPOSSIBLE_LOCATION = "impossible_location"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Location:
    """A location pin (or typed coordinates)."""

    lat: float
    lon: float
    name: str | None = None

    @property
    def possible(self) -> bool:
        """A point on Earth: finite, latitude within ±90 and longitude within ±180. Channels
        refuse any other pin, which would be stored as an exact place with a broken map."""
        return -90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0  # false for NaN


@dataclass(frozen=True)
class MediaRef:
    """A file the person sent; `fetch` downloads it only when the flow keeps it."""

    kind: str  # one of MEDIA_KINDS
    fetch: Callable[[], Awaitable[bytes]]
    mime_type: str | None = None
    size: int | None = None  # as announced by the channel, checked again after download
    file_name: str | None = None


@dataclass(frozen=True)
class InboundMessage:
    """One thing a person sent, normalised by a channel adapter."""

    channel: str
    sender_id: str  # the channel's raw id; used to reply and to derive the pseudonym only
    text: str | None = None
    choice: str | None = None  # id of a pressed button, when the channel knows it
    location: Location | None = None
    media: MediaRef | None = None
    shared_contact: str | None = None  # a contact card; never stored without consent
    unsupported: str | None = None  # the kind of content the bot cannot take (sticker, poll...)
    language_hint: str | None = None  # e.g. Telegram's language_code
    message_id: str | None = None
    received_at: datetime = field(default_factory=_now)


@dataclass(frozen=True)
class Choice:
    """One answer the person can pick; `id` is short (it travels as callback data)."""

    id: str
    label: str


@dataclass(frozen=True)
class OutboundMessage:
    """One answer of the bot: text, optional choices, optional request for a location."""

    text: str
    choices: tuple[Choice, ...] = ()
    request_location: bool = False
    language: str = "en"
    right_to_left: bool = False
    # the step this message asks for, so a channel can edit the question after the answer
    step: str | None = None
    # true when the person may want the chat cleared after this (e.g. after submission)
    offers_clear_chat: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain data, as recorded in the outbound table."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutboundMessage:
        choices = tuple(Choice(**choice) for choice in data.get("choices", ()))
        return cls(**{**data, "choices": choices})
