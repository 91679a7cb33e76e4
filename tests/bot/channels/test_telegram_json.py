"""The turn's Bot API calls go as plain JSON (`BotApi.post`); every error answer must raise the
exception aiogram's own path (`BotApi.call`) raises for it, so the channel's handling (429
honoured, 403 blocked, 400 refused, 5xx retried then deferred) is the same on both paths."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramUnauthorizedError,
)
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage

from bot.channels.telegram_sender import BotApi, DeliveryError
from escalation.notifiers.telegram import build_bot
from tests.fakes.telegram import FakeTelegram

CHAT = "424242"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def api(fake: FakeTelegram) -> AsyncIterator[BotApi]:
    bot = build_bot(fake.token, fake.base_url)
    yield BotApi(bot, attempts=2, first_delay=0.01, max_delay=0.02, max_retry_after=0)
    await bot.session.close()


def methods() -> list[tuple[str, dict[str, Any], Any]]:
    """Each posted method with its parameters, and the same call as aiogram's method."""
    return [
        (
            "sendMessage",
            {"chat_id": CHAT, "text": "hi", "parse_mode": "HTML"},
            SendMessage(chat_id=CHAT, text="hi", parse_mode="HTML"),
        ),
        (
            "editMessageText",
            {"chat_id": CHAT, "message_id": 1, "text": "hi"},
            EditMessageText(chat_id=CHAT, message_id=1, text="hi"),
        ),
        (
            "answerCallbackQuery",
            {"callback_query_id": "q1"},
            AnswerCallbackQuery(callback_query_id="q1"),
        ),
    ]


async def raised(call: Any) -> BaseException | None:
    try:
        await call
    except Exception as error:
        return error
    return None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, TelegramBadRequest),
        (401, TelegramUnauthorizedError),
        (403, TelegramForbiddenError),
        (404, TelegramNotFound),
        (409, TelegramConflictError),
        (429, DeliveryError),  # retry_after beyond what the client waits for
        (502, DeliveryError),  # retried, then given up
    ],
)
async def test_each_error_answer_raises_what_aiogram_raises(
    fake: FakeTelegram, api: BotApi, status: int, expected: type[BaseException]
) -> None:
    for name, params, method in methods():
        fake.fail(name, status, times=2, retry_after=5)
        posted = await raised(api.post(name, params))
        fake.fail(name, status, times=2, retry_after=5)
        called = await raised(api.call(method))
        assert type(posted) is type(called) is expected, name
        assert type(posted.__cause__) is type(called.__cause__), name
        assert str(posted) == str(called), name


async def test_a_429_within_the_limit_is_waited_out_and_the_message_sent_once(
    fake: FakeTelegram,
) -> None:
    bot = build_bot(fake.token, fake.base_url)
    api = BotApi(bot, attempts=3, first_delay=0.01, max_retry_after=5)
    try:
        fake.fail("sendMessage", 429, retry_after=1)
        message = await api.post("sendMessage", {"chat_id": CHAT, "text": "hi"}, paced_chat=CHAT)
    finally:
        await bot.session.close()
    assert message["message_id"] in fake.chats[CHAT]
    assert len(fake.chats[CHAT]) == 1
    assert [call.status for call in fake.calls if call.method == "sendMessage"] == [429, 200]


async def test_the_answer_is_the_result_as_telegram_sent_it(
    fake: FakeTelegram, api: BotApi
) -> None:
    markup = {"inline_keyboard": [[{"text": "Oui", "callback_data": "yes"}]]}
    sent = await api.post(
        "sendMessage", {"chat_id": CHAT, "text": "<b>Ça va ?</b>", "reply_markup": markup}
    )
    assert sent == fake.chats[CHAT][sent["message_id"]]
    assert fake.calls_to("sendMessage")[0]["reply_markup"] == markup
    assert await api.post("answerCallbackQuery", {"callback_query_id": "q"}) is True
