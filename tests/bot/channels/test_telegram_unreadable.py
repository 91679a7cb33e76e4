"""A Telegram update the bot cannot read is answered at once and never holds the chat."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram_rate import RateLimits
from nlu import Nlu
from tests.bot.channels.telegram_harness import (
    RunningBot,
    TelegramPerson,
    bot_settings,
    running_bot,
)
from tests.fakes.telegram import FakeTelegram
from tocsin.settings import Settings


@pytest.fixture
async def bot(settings: Settings, shared_nlu: Nlu) -> AsyncIterator[RunningBot]:
    async with FakeTelegram() as fake:
        configured = bot_settings(settings, fake)
        async with running_bot(
            configured, shared_nlu, fake, limits=RateLimits.unlimited(), retry_delay=0.01
        ) as running:
            yield running


@pytest.mark.parametrize(
    ("language", "answer"),
    [
        ("en", "I could not read that"),
        ("fr", "Je n'ai pas pu lire ce message"),
        ("ar", "لم أتمكن من قراءة هذه الرسالة"),
    ],
)
async def test_a_location_sent_as_a_string_is_answered_at_once_and_the_chat_goes_on(
    bot: RunningBot, language: str, answer: str
) -> None:
    person = TelegramPerson(
        bot, 41_100_000 + len(language) + ord(language[0]), language_code=language
    )
    started = time.monotonic()
    await bot.deliver(person.message_update(location="16.27,-0.04"))
    await bot.until(lambda: len(person.sent) == 1, timeout=10)
    assert time.monotonic() - started < 10
    assert person.sent[0]["text"].startswith(answer)
    assert bot.app.inbox is not None
    await bot.settled()
    [letter] = await bot.app.inbox.failed()
    assert letter.channel == "telegram"
    await person.say("/help")  # the next message is not held behind the bad one
    assert "/start" in person.last_sent()["text"]
