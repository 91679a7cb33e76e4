"""Rendering OutboundMessages for Telegram, and pacing them, without any server."""

from __future__ import annotations

import time

from aiogram import types

from bot.channels.telegram_keyboard import (
    CLEAR_CHAT,
    MAX_CALLBACK_BYTES,
    answered_question,
    callback_data,
    read_callback_data,
    render,
    split_text,
    utf16_units,
)
from bot.messages import Choice, OutboundMessage
from reports.telegram_rate import OutboundLimiter, RateLimits


def test_text_is_html_escaped_so_a_story_cannot_inject_markup() -> None:
    [piece] = render(OutboundMessage("<b>Soldiers</b> & police"))
    assert piece.html == "&lt;b&gt;Soldiers&lt;/b&gt; &amp; police"


def test_long_text_is_split_at_line_breaks_within_the_limit() -> None:
    text = "\n".join(f"Line {n}: " + "x" * 90 for n in range(100))  # about 10,000 characters
    pieces = split_text(text)
    assert len(pieces) == 3
    assert all(utf16_units(piece) <= 4096 for piece in pieces)
    assert "\n".join(pieces) == text
    assert all(piece.startswith("Line ") for piece in pieces)


def test_split_counts_utf16_units_as_telegram_does() -> None:
    pieces = split_text("🙂" * 3000)  # 6000 units
    assert [utf16_units(piece) for piece in pieces] == [4096, 1904]


def test_only_the_last_piece_carries_the_buttons() -> None:
    message = OutboundMessage("word " * 2000, choices=(Choice("yes", "Yes"),))
    pieces = render(message)
    assert [piece.markup is None for piece in pieces] == [True, True, False]


def test_choices_become_inline_buttons_whose_data_is_the_choice_id() -> None:
    message = OutboundMessage(
        "Is anyone in danger?",
        choices=(Choice("yes", "Yes"), Choice("no", "No"), Choice("unknown", "I don't know")),
    )
    [piece] = render(message)
    assert isinstance(piece.markup, types.InlineKeyboardMarkup)
    rows = [[(b.text, b.callback_data) for b in row] for row in piece.markup.inline_keyboard]
    assert rows == [[("Yes", "yes"), ("No", "no")], [("I don't know", "unknown")]]


def test_an_id_too_long_for_callback_data_travels_as_its_number() -> None:
    long_id = "place:" + "x" * 80
    assert callback_data(Choice(long_id, "Somewhere"), 3) == "#3"
    assert len(callback_data(Choice("a" * MAX_CALLBACK_BYTES, "A"), 1)) == MAX_CALLBACK_BYTES
    assert callback_data(Choice("~clear", "sneaky"), 2) == "#2"  # never taken for an action
    assert read_callback_data("#3").number == 3
    assert read_callback_data(CLEAR_CHAT).action == "clear"
    assert read_callback_data("force:army").choice == "force:army"


def test_location_question_offers_a_share_location_button_and_its_choices() -> None:
    message = OutboundMessage(
        "Où était-ce ?",
        choices=(Choice("skip", "Je préfère ne pas le dire"),),
        request_location=True,
        language="fr",
    )
    [piece] = render(message)
    assert isinstance(piece.markup, types.ReplyKeyboardMarkup)
    [share], [skip] = piece.markup.keyboard
    assert share.request_location is True and share.text != "📍 Share my location"
    assert skip.text == "Je préfère ne pas le dire" and piece.markup.one_time_keyboard


def test_the_confirmation_offers_to_clear_the_chat_in_the_persons_language() -> None:
    [piece] = render(OutboundMessage("شكرا", language="ar", offers_clear_chat=True))
    assert isinstance(piece.markup, types.InlineKeyboardMarkup)
    [[button]] = piece.markup.inline_keyboard
    assert button.callback_data == CLEAR_CHAT and "Clear" not in button.text


def test_an_answered_question_shows_the_answer_escaped() -> None:
    assert answered_question("Who did it?", "Police & gendarmes") == (
        "Who did it?\n\n✅ <b>Police &amp; gendarmes</b>"
    )


async def test_one_private_chat_gets_a_short_burst_then_one_message_a_second() -> None:
    limiter = OutboundLimiter(RateLimits(private_per_second=10.0, private_burst=3))
    started = time.monotonic()
    for _ in range(5):  # 3 at once, then 2 more at 10 a second
        await limiter.wait("41000001")
    assert 0.17 <= time.monotonic() - started < 0.5
    started = time.monotonic()
    await limiter.wait("41000002")  # another chat is not held up
    assert time.monotonic() - started < 0.05


async def test_a_429_holds_the_chat_for_retry_after() -> None:
    limiter = OutboundLimiter(RateLimits(private_per_second=100.0, private_burst=5))
    await limiter.pause("41000001", 0.3)
    started = time.monotonic()
    await limiter.wait("41000001")
    assert time.monotonic() - started >= 0.28


async def test_unlimited_never_waits() -> None:
    limiter = OutboundLimiter(RateLimits.unlimited())
    started = time.monotonic()
    for _ in range(1000):
        await limiter.wait("41000001")
    assert time.monotonic() - started < 0.1
