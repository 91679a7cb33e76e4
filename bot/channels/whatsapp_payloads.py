"""Reading Meta's webhook deliveries: messages and statuses out of entry -> changes -> value.

Parsing only. A delivery may batch several changes; each message becomes one `IncomingItem`
that travels through the durable inbox on its own (so a redelivery that Meta batches
differently is still de-duplicated by wamid), and each status becomes a `StatusUpdate`.

Who sent a message: since 2026 Meta adds a business-scoped user id (BSUID, `user_id` /
`from_user_id`) to every message, and a person who adopted a username may come with no phone
number at all (`wa_id` / `from` empty or absent). The BSUID is preferred as the sender id, so
the pseudonym of a person stays the same whether or not a webhook also shows the phone.
Profile names are dropped here: nothing downstream needs them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.messages import IMPOSSIBLE_LOCATION, InboundMessage, Location

CHANNEL = "whatsapp"
BSUID_PATTERN = re.compile(r"^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$")
MEDIA_TYPES: dict[str, str] = {
    "image": "photo",
    "audio": "audio",
    "video": "video",
    "document": "document",
}
STATUS_VALUES = frozenset({"sent", "delivered", "read", "failed"})
KIND_PATTERN = re.compile(r"^[a-z_]{1,40}$")
MAX_WAMID_CHARS = 128  # the outbound ledger's wamid column


def _is_kind(value: Any) -> bool:
    return isinstance(value, str) and KIND_PATTERN.match(value) is not None


class PayloadError(ValueError):
    """The body is not a WhatsApp Business Account webhook we can read."""


def is_bsuid(value: str) -> bool:
    """True for a business-scoped user id such as `GB.2389…` (phone numbers are digits)."""
    return bool(BSUID_PATTERN.match(value))


@dataclass(frozen=True)
class Sender:
    """A WhatsApp user as a webhook shows them: a phone number, a BSUID, or both."""

    phone: str | None = None
    bsuid: str | None = None

    @property
    def id(self) -> str:
        """The id the pseudonym derives from: the BSUID whenever there is one."""
        value = self.bsuid or self.phone
        if not value:
            raise PayloadError("a message without any sender id")
        return value

    @property
    def address(self) -> dict[str, str]:
        """How the Cloud API is told whom to answer: `to` a phone, else `recipient` a BSUID."""
        if self.phone:
            return {"to": self.phone}
        return {"recipient": self.id}

    @classmethod
    def from_recipient_id(cls, recipient_id: str) -> Sender:
        """The sender behind a stored id (a consenting reporter's contact), to write to later."""
        if is_bsuid(recipient_id):
            return cls(bsuid=recipient_id)
        return cls(phone=recipient_id)


@dataclass(frozen=True)
class IncomingItem:
    """One message of a delivery, as it is sealed into the inbox."""

    wamid: str
    sender: Sender
    phone_number_id: str
    message: dict[str, Any]

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "wamid": self.wamid,
                "phone": self.sender.phone,
                "bsuid": self.sender.bsuid,
                "phone_number_id": self.phone_number_id,
                "message": self.message,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> IncomingItem:
        data = json.loads(raw)
        return cls(
            wamid=data["wamid"],
            sender=Sender(data.get("phone"), data.get("bsuid")),
            phone_number_id=data["phone_number_id"],
            message=data["message"],
        )

    @property
    def kind(self) -> str:
        """The message type Meta names (a short lower-case word), else `unknown`."""
        kind = self.message.get("type")
        return kind if _is_kind(kind) else "unknown"

    @property
    def sent_at(self) -> datetime:
        """When the person sent it (Meta's timestamp), which opens the 24-hour window."""
        try:
            return datetime.fromtimestamp(int(self.message["timestamp"]), UTC)
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            return datetime.now(UTC)


@dataclass(frozen=True)
class StatusUpdate:
    """What became of a message the bot sent: sent, delivered, read or failed."""

    wamid: str
    status: str
    error_code: int | None = None


@dataclass
class Delivery:
    """Everything of one webhook POST that concerns our phone number."""

    messages: list[IncomingItem] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    ignored: int = 0  # changes of other fields or other phone numbers, unreadable messages


@dataclass(frozen=True)
class MediaPart:
    """A file announced by a message; the bytes are fetched from the Graph API on demand."""

    kind: str  # one of bot.messages.MEDIA_KINDS
    media_id: str
    mime_type: str | None
    sha256: str | None
    file_name: str | None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _contact_sender(contact: dict[str, Any]) -> Sender:
    return Sender(_text(contact.get("wa_id")), _text(contact.get("user_id")))


def _message_sender(message: dict[str, Any], contacts: list[dict[str, Any]]) -> Sender | None:
    """The sender from the message, completed by its contact entry (matched by either id)."""
    phone, bsuid = _text(message.get("from")), _text(message.get("from_user_id"))
    for contact in contacts:
        known = _contact_sender(contact)
        if (phone and phone == known.phone) or (bsuid and bsuid == known.bsuid):
            phone, bsuid = phone or known.phone, bsuid or known.bsuid
            break
    else:
        if not (phone or bsuid) and len(contacts) == 1:
            known = _contact_sender(contacts[0])
            phone, bsuid = known.phone, known.bsuid
    if not (phone or bsuid):
        return None
    return Sender(phone, bsuid)


def _dict(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one: a field of the wrong type reads as
    absent instead of failing the whole delivery."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _status(raw: dict[str, Any]) -> StatusUpdate | None:
    wamid, status = _text(raw.get("id")), raw.get("status")
    if not wamid or status not in STATUS_VALUES or len(wamid) > MAX_WAMID_CHARS:
        return None  # an id longer than any we record cannot be one of our messages
    code = None
    for error in _list(raw.get("errors")):
        if isinstance(error, dict) and type(error.get("code")) is int:
            code = error["code"] if abs(error["code"]) < 2**31 else None
            break
    return StatusUpdate(wamid, status, code)


def _read_change(change: dict[str, Any], phone_number_id: str, delivery: Delivery) -> None:
    value = _dict(change.get("value"))
    metadata = _dict(value.get("metadata"))
    if change.get("field") != "messages" or metadata.get("phone_number_id") != phone_number_id:
        delivery.ignored += 1
        return
    contacts = [c for c in _list(value.get("contacts")) if isinstance(c, dict)]
    for message in _list(value.get("messages")):
        sender = _message_sender(message, contacts) if isinstance(message, dict) else None
        wamid = _text(message.get("id")) if sender else None
        if sender is None or wamid is None:
            delivery.ignored += 1
            continue
        delivery.messages.append(IncomingItem(wamid, sender, phone_number_id, message))
    for raw_status in _list(value.get("statuses")):
        update = _status(raw_status) if isinstance(raw_status, dict) else None
        if update is None:
            delivery.ignored += 1
        else:
            delivery.statuses.append(update)


def read_delivery(body: Any, phone_number_id: str) -> Delivery:
    """The messages and statuses for `phone_number_id` in a parsed webhook body.

    Raises PayloadError only when the body is not a WhatsApp webhook at all; any part of the
    wrong shape inside one is counted as ignored, the rest is read.
    """
    if not isinstance(body, dict) or body.get("object") != "whatsapp_business_account":
        raise PayloadError("not a whatsapp_business_account webhook")
    if not isinstance(body.get("entry"), list):
        raise PayloadError("entry is not a list")
    delivery = Delivery()
    for entry in body["entry"]:
        for change in _list(_dict(entry).get("changes")):
            if isinstance(change, dict):
                _read_change(change, phone_number_id, delivery)
            else:
                delivery.ignored += 1
    return delivery


def media_part(message: dict[str, Any]) -> MediaPart | None:
    """The file of an image, audio/voice, video or document message."""
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in MEDIA_TYPES:
        return None
    media = _dict(message.get(kind))
    media_id = _text(media.get("id"))
    if media_id is None:
        return None
    channel_kind = MEDIA_TYPES[kind]
    if kind == "audio" and media.get("voice") is True:
        channel_kind = "voice"
    return MediaPart(
        kind=channel_kind,
        media_id=media_id,
        mime_type=_text(media.get("mime_type")),
        sha256=_text(media.get("sha256")),
        file_name=_text(media.get("filename")),
    )


def _shared_contacts(message: dict[str, Any]) -> str:
    """A contact card as short text (names and numbers), for a flow that asks consent first."""
    cards = []
    for card in _list(message.get("contacts")):
        name = _text(_dict(_dict(card).get("name")).get("formatted_name")) or ""
        phones = ", ".join(
            _text(phone.get("phone")) or _text(phone.get("wa_id")) or ""
            for phone in _list(_dict(card).get("phones"))
            if isinstance(phone, dict)
        )
        cards.append(f"{name}: {phones}".strip(": "))
    return "\n".join(cards)


def _pin(message: dict[str, Any]) -> dict[str, Any]:
    """A location message's fields: its pin, or why it cannot be taken."""
    location = _dict(message.get("location"))
    try:
        pin = Location(
            float(location["latitude"]), float(location["longitude"]), _text(location.get("name"))
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        return {"unsupported": "location"}
    return {"location": pin} if pin.possible else {"unsupported": IMPOSSIBLE_LOCATION}


def _content(message: dict[str, Any], kind: str) -> dict[str, Any]:
    """The InboundMessage fields of one message, whatever shape its parts have."""
    if message.get("errors") or kind in ("unsupported", "unknown"):
        return {"unsupported": kind}
    if kind == "text":
        return {"text": _text(_dict(message.get("text")).get("body"))}
    if kind == "interactive":
        interactive = _dict(message.get("interactive"))
        reply_type = interactive.get("type")
        reply = _dict(interactive.get(reply_type)) if isinstance(reply_type, str) else {}
        if reply_type in ("button_reply", "list_reply") and _text(reply.get("id")):
            return {"choice": reply["id"]}
        shown = (
            reply_type if isinstance(reply_type, str) and KIND_PATTERN.match(reply_type) else "?"
        )
        return {"unsupported": f"interactive:{shown}"}
    if kind == "button":  # a quick-reply button of a template message
        return {"text": _text(_dict(message.get("button")).get("text"))}
    if kind == "location":
        return _pin(message)
    if kind in MEDIA_TYPES:
        return {"text": _text(_dict(message.get(kind)).get("caption"))}
    if kind == "contacts":  # taken only where a flow asks for consent
        return {"shared_contact": _shared_contacts(message) or None, "unsupported": "contacts"}
    if kind == "request_welcome":  # the person opened the chat for the first time
        return {"text": "/start"}
    return {"unsupported": kind}  # reaction, sticker, order, system, and what comes next


def to_inbound(item: IncomingItem, **extra: Any) -> InboundMessage:
    """The channel-neutral message; `extra` carries what parsing cannot know (e.g. media).

    Total over every message shape: a part of the wrong type is read as absent or as content
    the bot cannot take, so the person is always answered."""
    fields = _content(item.message, item.kind)
    fields.update(extra)
    return InboundMessage(
        channel=CHANNEL,
        sender_id=item.sender.id,
        message_id=item.wamid,
        received_at=item.sent_at,
        **fields,
    )
