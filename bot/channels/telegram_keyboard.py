"""Rendering OutboundMessages as Telegram messages: HTML-escaped text, split, with keyboards.

Choices become inline buttons whose callback data is the choice id (at most 64 bytes, as
Telegram allows); an id that does not fit travels as its number (`#3`), which the flow reads as
the typed number. A location question gets a reply keyboard with a "share location" button.
Pure functions of their input: tested alone, without any server.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from aiogram import types

from bot.messages import Choice, OutboundMessage
from locales.i18n import Translator

MAX_TEXT_UNITS = 4096  # Telegram's limit, in UTF-16 code units of the text after parsing
MAX_CALLBACK_BYTES = 64
ACTION_PREFIX = "~"
NUMBER_PREFIX = "#"
CLEAR_CHAT = ACTION_PREFIX + "clear"
ROW_CHARACTERS = 20  # short labels share a row, up to about this many characters
ROW_BUTTONS = 3

Markup = types.InlineKeyboardMarkup | types.ReplyKeyboardMarkup | types.ReplyKeyboardRemove


@dataclass(frozen=True)
class Rendered:
    """One Bot API message: HTML text and its keyboard."""

    html: str
    markup: Markup | None = None

    @property
    def has_inline_keyboard(self) -> bool:
        return isinstance(self.markup, types.InlineKeyboardMarkup)

    @property
    def has_reply_keyboard(self) -> bool:
        return isinstance(self.markup, types.ReplyKeyboardMarkup)


@dataclass(frozen=True)
class Press:
    """What a callback's data stands for: a choice id, a choice number or a channel action."""

    choice: str | None = None
    number: int | None = None
    action: str | None = None


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT_UNITS) -> list[str]:
    """Pieces of at most `limit` UTF-16 units, cut at a paragraph, line or word when possible."""
    pieces: list[str] = []
    rest = text
    while utf16_units(rest) > limit:
        window = rest[:limit]
        while utf16_units(window) > limit:  # astral characters count twice
            window = window[:-1]
        cut = len(window)
        for separator in ("\n\n", "\n", " "):  # the coarsest break in the second half
            found = window.rfind(separator)
            if found >= len(window) // 2:
                cut = found
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def callback_data(choice: Choice, number: int) -> str:
    """The callback data of a choice's button: its id, or `#number` when the id cannot travel."""
    fits = len(choice.id.encode()) <= MAX_CALLBACK_BYTES
    if fits and choice.id and not choice.id.startswith((ACTION_PREFIX, NUMBER_PREFIX)):
        return choice.id
    return f"{NUMBER_PREFIX}{number}"


def read_callback_data(data: str) -> Press:
    """The meaning of a pressed button's data (inverse of `callback_data`)."""
    if data.startswith(ACTION_PREFIX):
        return Press(action=data[len(ACTION_PREFIX) :])
    if data.startswith(NUMBER_PREFIX) and data[1:].isdigit():
        return Press(number=int(data[1:]))
    return Press(choice=data)


def _rows(buttons: list[types.InlineKeyboardButton]) -> list[list[types.InlineKeyboardButton]]:
    """Short labels side by side, long ones alone, in the order given."""
    rows: list[list[types.InlineKeyboardButton]] = []
    for button in buttons:
        row = rows[-1] if rows else None
        width = sum(len(other.text) for other in row) if row else 0
        if (
            row is not None
            and len(row) < ROW_BUTTONS
            and width + len(button.text) <= ROW_CHARACTERS
            and len(button.text) <= ROW_CHARACTERS // 2
            and all(len(other.text) <= ROW_CHARACTERS // 2 for other in row)
        ):
            row.append(button)
        else:
            rows.append([button])
    return rows


def inline_keyboard(message: OutboundMessage) -> types.InlineKeyboardMarkup | None:
    buttons = [
        types.InlineKeyboardButton(text=choice.label, callback_data=callback_data(choice, number))
        for number, choice in enumerate(message.choices, 1)
    ]
    rows = _rows(buttons)
    if message.offers_clear_chat:
        _ = Translator(message.language)
        rows.append(
            [types.InlineKeyboardButton(text=_("🧹 Clear this chat"), callback_data=CLEAR_CHAT)]
        )
    return types.InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def location_keyboard(message: OutboundMessage) -> types.ReplyKeyboardMarkup:
    """A "share location" button above the question's choices, typed back as their labels."""
    _ = Translator(message.language)
    rows = [[types.KeyboardButton(text=_("📍 Share my location"), request_location=True)]]
    rows.extend([types.KeyboardButton(text=choice.label)] for choice in message.choices)
    return types.ReplyKeyboardMarkup(
        keyboard=rows,
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=_("Or type the name of the place"),
    )


def render(message: OutboundMessage) -> list[Rendered]:
    """The Bot API messages of one OutboundMessage; the keyboard goes with the last piece."""
    pieces = split_text(message.text)
    markup: Markup | None = (
        location_keyboard(message) if message.request_location else inline_keyboard(message)
    )
    rendered = [Rendered(html.escape(piece, quote=False)) for piece in pieces[:-1]]
    rendered.append(Rendered(html.escape(pieces[-1], quote=False), markup))
    return rendered


def answered_question(question_text: str | None, label: str) -> str:
    """The question as it reads once answered by a button: the text, then the chosen answer."""
    question = html.escape(question_text or "", quote=False)
    answer = f"✅ <b>{html.escape(label, quote=False)}</b>"
    return f"{question}\n\n{answer}" if question else answer


def remove_reply_keyboard() -> types.ReplyKeyboardRemove:
    return types.ReplyKeyboardRemove(remove_keyboard=True)
