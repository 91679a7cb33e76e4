"""Reading what SMS providers post: inbound messages and delivery reports, in their own shapes.

- Africa's Talking posts forms: inbound `from`, `to`, `text`, `id`, `date`, `linkId`;
  delivery reports `id`, `status` (Success, Sent, Buffered, Submitted, Rejected, Failed,
  AbsentSubscriber, Expired...), `phoneNumber`, `networkCode`, `failureReason`, `retryCount`.
- Twilio posts forms: inbound `MessageSid`, `From`, `To`, `Body`, `NumMedia`, `NumSegments`...;
  status callbacks `MessageSid`, `MessageStatus` (queued, sent, delivered, undelivered,
  failed, read) and `ErrorCode`.
- A local gateway is either the Android "SMS Gateway" app, which posts JSON events
  (`{"event": "sms:received" | "sms:delivered" | "sms:failed", "id", "payload": {...}}`), or a
  Kannel-style form (`from`, `text`, `id`, and `udh` in hex when the gateway hands over the
  parts of a long message one by one).

Only the pieces the channel needs survive parsing; a body that lacks them is a PayloadError
(the webhook answers 400 and stores nothing).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

CHANNEL = "sms"
PROVIDERS = ("africastalking", "twilio", "http")
MAX_TEXT_CHARS = 5000  # Twilio's 1,600-character limit with room; anything longer is noise


class PayloadError(ValueError):
    """A provider body without what an SMS needs (sender, text, id)."""


@dataclass(frozen=True)
class ConcatPart:
    """One part of a long message delivered on its own (from the user data header)."""

    reference: int
    total: int
    number: int


@dataclass(frozen=True)
class IncomingSms:
    """One inbound SMS, as kept (sealed) in the inbox until it is handled."""

    provider: str
    message_id: str
    sender: str  # the raw number: used to reply and derive the pseudonym only
    text: str
    received_at: str  # ISO 8601
    part: ConcatPart | None = None

    def to_json(self) -> bytes:
        data = asdict(self)
        data.pop("part")
        return json.dumps(data, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, payload: bytes) -> IncomingSms:
        data = json.loads(payload)
        return cls(
            **{key: data[key] for key in ("provider", "message_id", "sender", "text")},
            received_at=data["received_at"],
        )

    @property
    def external_id(self) -> str:
        return f"{self.provider}:{self.message_id}"


@dataclass(frozen=True)
class DeliveryReport:
    """What became of a message we sent: `delivered`, `failed` or still `sent`."""

    provider: str
    message_id: str
    state: str
    error: str | None = None


def _required(form: Mapping[str, str], *names: str) -> list[str]:
    values = [str(form.get(name) or "").strip() for name in names]
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise PayloadError(f"missing field(s): {', '.join(missing)}")
    return values


def _text(form: Mapping[str, str], name: str) -> str:
    text = str(form.get(name) or "")
    if len(text) > MAX_TEXT_CHARS:
        raise PayloadError("text too long")
    return text


def _iso(value: str | None, now: datetime) -> str:
    """A provider's timestamp in ISO 8601 (UTC), or `now` when it is absent or unreadable."""
    if value:
        for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%fZ"):
            try:
                return datetime.strptime(value, pattern).replace(tzinfo=UTC).isoformat()
            except ValueError:
                continue
        try:
            parsed = datetime.fromisoformat(value)
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()
        except ValueError:
            pass
    return now.isoformat()


# --- Africa's Talking ----------------------------------------------------------------------

AT_STATES = {
    "Success": "delivered",
    "Sent": "sent",
    "Submitted": "sent",
    "Buffered": "sent",
    "Rejected": "failed",
    "Failed": "failed",
    "AbsentSubscriber": "failed",
    "Expired": "failed",
}


def africastalking_inbound(form: Mapping[str, str], now: datetime) -> IncomingSms:
    message_id, sender = _required(form, "id", "from")
    return IncomingSms(
        "africastalking", message_id, sender, _text(form, "text"), _iso(form.get("date"), now)
    )


def africastalking_delivery(form: Mapping[str, str]) -> DeliveryReport:
    message_id, status = _required(form, "id", "status")
    state = AT_STATES.get(status)
    if state is None:
        raise PayloadError(f"unknown status {status[:20]}")
    return DeliveryReport("africastalking", message_id, state, form.get("failureReason") or None)


# --- Twilio --------------------------------------------------------------------------------

TWILIO_STATES = {
    "accepted": "sent",
    "queued": "sent",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "failed",
    "failed": "failed",
}


def twilio_inbound(form: Mapping[str, str], now: datetime) -> IncomingSms:
    message_id, sender = _required(form, "MessageSid", "From")
    return IncomingSms("twilio", message_id, sender, _text(form, "Body"), now.isoformat())


def twilio_status(form: Mapping[str, str]) -> DeliveryReport:
    message_id, status = _required(form, "MessageSid", "MessageStatus")
    state = TWILIO_STATES.get(status.lower())
    if state is None:
        raise PayloadError(f"unknown status {status[:20]}")
    return DeliveryReport("twilio", message_id, state, form.get("ErrorCode") or None)


# --- a local gateway -------------------------------------------------------------------------

GATEWAY_STATES = {"sms:sent": "sent", "sms:delivered": "delivered", "sms:failed": "failed"}


def parse_udh(udh_hex: str) -> ConcatPart | None:
    """The concatenation element of a user data header (IEI 0x00, 8-bit, or 0x08, 16-bit)."""
    try:
        data = bytes.fromhex(udh_hex.strip())
    except ValueError:
        raise PayloadError("udh is not hex") from None
    if not data or data[0] + 1 != len(data):
        raise PayloadError("udh length does not match")
    index = 1
    while index + 1 < len(data):
        element, size = data[index], data[index + 1]
        value = data[index + 2 : index + 2 + size]
        if element == 0x00 and size == 3:
            reference, total, number = value
        elif element == 0x08 and size == 4:
            reference, total, number = (value[0] << 8) | value[1], value[2], value[3]
        else:
            index += 2 + size
            continue
        if not 1 <= number <= total:
            raise PayloadError("udh part number out of range")
        return ConcatPart(reference, total, number)
    return None


def gateway_event(body: Mapping[str, object], now: datetime) -> IncomingSms | DeliveryReport:
    """An Android SMS Gateway webhook event: a received SMS or a delivery report."""
    event = str(body.get("event") or "")
    payload = body.get("payload")
    if not isinstance(payload, dict):
        raise PayloadError("no payload")
    if event == "sms:received":
        (event_id,) = _required(body, "id")  # type: ignore[arg-type]
        (sender,) = _required(payload, "phoneNumber")
        received = _iso(payload.get("receivedAt"), now)
        return IncomingSms("http", event_id, sender, _text(payload, "message"), received)
    if event in GATEWAY_STATES:
        (message_id,) = _required(payload, "messageId")
        return DeliveryReport("http", message_id, GATEWAY_STATES[event], payload.get("reason"))
    raise PayloadError(f"unknown event {event[:30]}")


def gateway_form(form: Mapping[str, str], now: datetime) -> IncomingSms:
    """A Kannel-style form post, possibly one part of a long message."""
    message_id, sender = _required(form, "id", "from")
    part = parse_udh(form["udh"]) if form.get("udh") else None
    return IncomingSms(
        "http", message_id, sender, _text(form, "text"), _iso(form.get("date"), now), part
    )


# --- what the person typed -------------------------------------------------------------------

OPT_OUT_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "arret", "arrêt", "arreter", "arrêter", "توقف", "قف"}
)
COMMAND_WORDS = {
    "status": "status",
    "statut": "status",
    "etat": "status",
    "état": "status",
    "حالة": "status",
    "delete": "delete",
    "supprimer": "delete",
    "effacer": "delete",
    "حذف": "delete",
    "امسح": "delete",
    "help": "help",
    "aide": "help",
    "مساعدة": "help",
    "cancel": "cancel",
    "annuler": "cancel",
    "إلغاء": "cancel",
    "add": "add",
    "ajouter": "add",
    "أضف": "add",
    "language": "language",
    "langue": "language",
    "لغة": "language",
}
_REFERENCE = re.compile(r"^TX-?[A-Z0-9]{4}-?[A-Z0-9]{4}$", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return text.strip().strip(".!؟?").split()


def is_opt_out(text: str) -> bool:
    """STOP, ARRET, توقف... alone (a story that starts with "stop" is a story)."""
    words = _words(text)
    return len(words) == 1 and words[0].casefold() in OPT_OUT_WORDS


def as_command(text: str) -> str | None:
    """The engine's command for an SMS keyword: "STATUS TX-..." -> "/status TX-...".

    Only a keyword alone, or followed by a reference (STATUS, ADD) or a language code
    (LANGUAGE fr), is a command; anything longer is what the person has to say."""
    words = _words(text)
    if not words or len(words) > 2:
        return None
    command = COMMAND_WORDS.get(words[0].casefold())
    if command is None:
        return None
    if len(words) == 1:
        return f"/{command}"
    argument = words[1]
    if command in ("status", "add") and _REFERENCE.match(argument):
        return f"/{command} {argument.upper()}"
    if command == "language" and len(argument) <= 3:
        return f"/language {argument.lower()}"
    return None
