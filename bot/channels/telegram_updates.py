"""Reading Telegram updates: who they come from, where they go, and what the person sent.

Two readings, for two moments. `route_update` looks at the parsed JSON cheaply, before anything
is stored, to decide whether an update is kept at all (a private chat or a configured staff
chat) and under which sender it is queued. `read_person` / `read_staff` read a kept update with
aiogram's types, after it has been durably accepted, into an `InboundMessage` or a staff
action. An update is parsed and routed once: the webhook's `Reading` (its JSON and its route)
travels with it to the handler when the same process handles it, which is the usual case; an
update claimed from the database (another process accepted it, or it is a retry) is read from
its stored bytes, once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any

from aiogram import types
from pydantic import ValidationError

from bot.channels.telegram_keyboard import read_callback_data
from bot.messages import IMPOSSIBLE_LOCATION, InboundMessage, Location, MediaRef

CHANNEL = "telegram"
# the updates the bot asks Telegram for (setWebhook / getUpdates `allowed_updates`)
ALLOWED_UPDATES = ["message", "callback_query"]
# content a person may send that the report flow cannot take, by Message field
UNSUPPORTED_FIELDS = (
    "sticker",
    "animation",
    "poll",
    "dice",
    "game",
    "story",
    "invoice",
    "paid_media",
)

Download = Callable[[str, int | None], Awaitable[bytes]]


@dataclass(frozen=True)
class Route:
    """Where an update goes: `person`, `staff` or `ignored`, and from which chat."""

    kind: str
    update_id: int | None = None
    chat_id: str | None = None


IGNORED = Route("ignored")


@dataclass(frozen=True)
class Reading:
    """An update as the webhook (or the poller) read it: the bytes stored in the inbox, their
    JSON and their route, so that the handler need not read them again."""

    raw: bytes
    payload: Any
    route: Route


MAX_TELEGRAM_ID = 2**63  # update, chat and message ids are signed 64-bit integers


def _telegram_id(value: Any) -> int | None:
    """An id as Telegram sends it: an integer (not a boolean) that fits 64 bits."""
    if type(value) is int and -MAX_TELEGRAM_ID < value < MAX_TELEGRAM_ID:
        return value
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def route_update(update: Any, staff_chats: Collection[str]) -> Route:
    """Keep private chats and configured staff chats; ignore everything else, including any
    update whose envelope has a shape Telegram never sends."""
    if not isinstance(update, dict):
        return IGNORED
    update_id = _telegram_id(update.get("update_id"))
    if update_id is None or update_id < 0:
        return IGNORED
    if isinstance(update.get("message"), dict):
        chat = _dict(update["message"].get("chat"))
    elif isinstance(update.get("callback_query"), dict):
        chat = _dict(_dict(update["callback_query"].get("message")).get("chat"))
    else:
        return Route("ignored", update_id)
    chat_id = _telegram_id(chat.get("id"))
    if chat_id is None:
        return Route("ignored", update_id)
    if str(chat_id) in staff_chats:
        return Route("staff", update_id, str(chat_id))
    if chat.get("type") == "private":
        return Route("person", update_id, str(chat_id))
    return Route("ignored", update_id)


@dataclass(frozen=True)
class ButtonPress:
    """A pressed inline button of a bot message: answered, and its question edited."""

    callback_id: str
    message_id: int
    data: str
    question_text: str | None
    label: str | None


@dataclass(frozen=True)
class PersonUpdate:
    """Something a person sent in a private chat."""

    chat_id: str
    message_id: int | None  # the person's own message (deleted when the chat is cleared)
    inbound: InboundMessage
    press: ButtonPress | None = None


@dataclass(frozen=True)
class StaffAction:
    """A button pressed in a staff chat."""

    chat_id: str
    user_id: str
    message_id: str
    data: str
    callback_id: str


@dataclass(frozen=True)
class StaffMessage:
    """A message written in a staff chat (a reply to a ping is a question to the reporter)."""

    chat_id: str
    user_id: str
    text: str
    reply_to_message_id: str | None


def button_label(markup: types.InlineKeyboardMarkup | None, data: str) -> str | None:
    """The label of the button carrying `data` in a message's inline keyboard."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


def _media(message: types.Message, download: Download) -> MediaRef | None:
    """The file of a message; for a photo, its largest size."""
    file: Any
    if message.photo:
        file = max(message.photo, key=lambda size: (size.file_size or 0, size.width))
        kind, mime_type, name = "photo", "image/jpeg", None
    elif message.voice:
        file, kind = message.voice, "voice"
        mime_type, name = message.voice.mime_type, None
    elif message.audio:
        file, kind = message.audio, "audio"
        mime_type, name = message.audio.mime_type, message.audio.file_name
    elif message.video or message.video_note:
        file, kind = message.video or message.video_note, "video"
        mime_type = message.video.mime_type if message.video else "video/mp4"
        name = message.video.file_name if message.video else None
    elif message.document:
        file, kind = message.document, "document"
        mime_type, name = message.document.mime_type, message.document.file_name
    else:
        return None
    file_id, size = file.file_id, file.file_size

    async def fetch() -> bytes:
        return await download(file_id, size)

    return MediaRef(kind, fetch, mime_type, size, name)


def _location(message: types.Message) -> Location | None:
    if message.venue is not None:
        venue = message.venue
        name = ", ".join(part for part in (venue.title, venue.address) if part)
        return Location(venue.location.latitude, venue.location.longitude, name or None)
    if message.location is not None:
        return Location(message.location.latitude, message.location.longitude)
    return None


def _unsupported(message: types.Message) -> str | None:
    for name in UNSUPPORTED_FIELDS:
        if getattr(message, name, None) is not None:
            return name
    return None


def read_message(message: types.Message, update_id: int, download: Download) -> PersonUpdate:
    """A private message as the channel-neutral InboundMessage."""
    user = message.from_user
    contact = message.contact.phone_number if message.contact is not None else None
    media = _media(message, download)
    location = _location(message)
    text = message.text or message.caption
    unsupported = _unsupported(message)
    if location is not None and not location.possible:
        location, unsupported = None, IMPOSSIBLE_LOCATION
    if not (text or media or location or contact or unsupported):
        unsupported = "other"
    inbound = InboundMessage(
        channel=CHANNEL,
        sender_id=str(message.chat.id),
        text=text,
        location=location,
        media=media,
        shared_contact=contact,
        unsupported=unsupported,
        language_hint=user.language_code if user else None,
        message_id=str(update_id),
    )
    return PersonUpdate(str(message.chat.id), message.message_id, inbound)


def read_press(
    query: types.CallbackQuery, update_id: int, *, choice: str | None, text: str | None = None
) -> PersonUpdate:
    """A pressed button, standing for a choice id or (for long ids) the choice's number."""
    message = query.message
    assert isinstance(message, types.Message)  # routed only when it has a chat
    data = query.data or ""
    press = ButtonPress(
        callback_id=query.id,
        message_id=message.message_id,
        data=data,
        question_text=message.text,
        label=button_label(message.reply_markup, data),
    )
    inbound = InboundMessage(
        channel=CHANNEL,
        sender_id=str(message.chat.id),
        choice=choice,
        text=text,
        language_hint=query.from_user.language_code,
        message_id=str(update_id),
    )
    return PersonUpdate(str(message.chat.id), None, inbound, press)


def read_staff(update: types.Update) -> StaffAction | StaffMessage | None:
    """A staff chat's button press or message; None for what staff chats may ignore."""
    query = update.callback_query
    if query is not None and isinstance(query.message, types.Message):
        return StaffAction(
            chat_id=str(query.message.chat.id),
            user_id=str(query.from_user.id),
            message_id=str(query.message.message_id),
            data=query.data or "",
            callback_id=query.id,
        )
    message = update.message
    if message is not None and message.text and message.from_user is not None:
        if message.from_user.is_bot:
            return None
        reply = message.reply_to_message
        return StaffMessage(
            chat_id=str(message.chat.id),
            user_id=str(message.from_user.id),
            text=message.text,
            reply_to_message_id=str(reply.message_id) if reply else None,
        )
    return None


def _loose_pin(message: dict[str, Any]) -> tuple[Location | None, str | None]:
    """A location field read by hand: the pin, or why it cannot be taken."""
    if "location" not in message:
        return None, None
    pin = _dict(message.get("location"))
    lat, lon = pin.get("latitude"), pin.get("longitude")
    if type(lat) not in (int, float) or type(lon) not in (int, float):
        return None, "location"
    location = Location(float(lat), float(lon))
    return (location, None) if location.possible else (None, IMPOSSIBLE_LOCATION)


def read_loosely(payload: dict[str, Any]) -> PersonUpdate | None:
    """A private message whose shape aiogram's types refuse (a field Telegram added or dropped
    since, or one of the wrong type): its text and location still count, anything else is
    politely refused."""
    message = payload.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        return None
    text = message.get("text") or message.get("caption")
    text = text if isinstance(text, str) else None
    location, unsupported = _loose_pin(message)
    if not (text or location or unsupported):
        unsupported = next((name for name in UNSUPPORTED_FIELDS if name in message), "other")
    user = _dict(message.get("from"))
    language = user.get("language_code")
    inbound = InboundMessage(
        channel=CHANNEL,
        sender_id=str(message["chat"].get("id")),
        text=text,
        location=location,
        unsupported=unsupported,
        language_hint=language if isinstance(language, str) else None,
        message_id=str(payload.get("update_id")),
    )
    number = _telegram_id(message.get("message_id"))
    return PersonUpdate(inbound.sender_id, number, inbound)


def parse_update(payload: dict[str, Any], bot: Any = None) -> types.Update | None:
    """aiogram's Update (bound to `bot`), or None when its shape is refused."""
    try:
        return types.Update.model_validate(payload, context={"bot": bot} if bot else None)
    except ValidationError:
        return None


def read_person(
    payload: dict[str, Any], download: Download, bot: Any = None
) -> tuple[PersonUpdate | None, types.CallbackQuery | None]:
    """What a person sent (None for what is not for the flow) and, for a pressed button, the
    callback query to answer."""
    update = parse_update(payload, bot)
    if update is None:
        return read_loosely(payload), None
    if update.callback_query is not None:
        query = update.callback_query
        if not isinstance(query.message, types.Message):
            return None, query
        press = read_callback_data(query.data or "")
        if press.action is not None:
            return None, query
        text = str(press.number) if press.number is not None else None
        return read_press(query, update.update_id, choice=press.choice, text=text), query
    if update.message is not None:
        return read_message(update.message, update.update_id, download), None
    return None, None
