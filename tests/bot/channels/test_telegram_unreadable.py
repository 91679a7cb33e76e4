"""A Telegram message that could not be handled is answered at once, in the person's language."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.inbox import InboxItem
from nlu import Nlu
from reports.telegram_rate import RateLimits
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
async def test_a_message_that_could_not_be_read_is_answered_in_the_persons_language(
    bot: RunningBot, language: str, answer: str
) -> None:
    """What the inbox processor calls before it parks an item (the edge already answers
    shapes it cannot read; this covers any other failure a retry would not fix)."""
    person = TelegramPerson(bot, 41_100_000 + ord(language[0]), language_code=language)
    update = person.message_update(text="hello")
    item = InboxItem(
        1, "telegram", str(update["update_id"]), "key", json.dumps(update).encode(), 1,
        datetime.now(UTC),
    )  # fmt: skip
    started = time.monotonic()
    await bot.channel.answer_unreadable(item)
    assert time.monotonic() - started < 10
    [sent] = person.sent
    assert sent["text"].startswith(answer)
    await person.say("/help")  # and the chat goes on
    assert "/start" in person.last_sent()["text"]
