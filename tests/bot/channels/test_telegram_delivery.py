"""What a production Telegram bot must get right: once-only handling, a forged webhook, files,
Telegram's 429 and outages, clearing the chat, stale buttons, the command menu, private logs."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from nlu import Nlu
from reports.models import InboundItem, ReportMedia
from reports.telegram_rate import RateLimits
from tests.bot.channels.telegram_harness import (
    SECRET,
    RunningBot,
    TelegramPerson,
    bot_settings,
    complete_report,
    running_bot,
)
from tests.fakes.telegram import FakeTelegram
from tocsin.settings import Settings

STORY = "Soldiers beat three men at the market in Gao yesterday evening"
PHOTO_ID = "AgACAgUAAxkBAAMRaH8qXw-VQSGAG4X4VoCg9A5nE50AAvLGMRtBGPlXGt4-FX4l2_oBAAMCAAN5AAM2BA"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram, settings: Settings, shared_nlu: Nlu) -> AsyncIterator[RunningBot]:
    configured = bot_settings(settings, fake, max_media_bytes=1024 * 1024)
    async with running_bot(
        configured, shared_nlu, fake, limits=RateLimits.unlimited(), retry_delay=0.01
    ) as running:
        yield running


async def inbox_rows(bot: RunningBot) -> list[InboundItem]:
    async with bot.app.database.connect() as connection:
        return list((await connection.execute(select(InboundItem))).all())  # type: ignore[arg-type]


async def test_an_update_delivered_three_times_at_once_is_handled_once(bot: RunningBot) -> None:
    person = TelegramPerson(bot, 41_000_001)
    update = person.message_update(text="/help")
    statuses = await asyncio.gather(*(bot.post_webhook(update) for _ in range(3)))
    assert statuses == [200, 200, 200]  # a redelivery after a timeout is acknowledged too
    await bot.settled()
    assert await bot.post_webhook(update) == 200  # and so is one long after
    await bot.settled()
    assert len(await inbox_rows(bot)) == 1
    assert len(person.sent) == 1


async def test_forged_or_missing_secret_is_refused_and_nothing_stored(bot: RunningBot) -> None:
    update = TelegramPerson(bot, 41_000_002).message_update(text="hello")
    assert await bot.post_webhook(update, secret=None) == 401
    assert await bot.post_webhook(update, secret=SECRET + "x") == 403
    assert await bot.post_webhook(update, secret="") == 403
    assert await inbox_rows(bot) == []
    assert bot.fake.calls_to("sendMessage") == []


async def test_the_webhook_is_registered_with_its_secret(bot: RunningBot) -> None:
    await bot.until(lambda: bool(bot.fake.webhook))
    assert bot.fake.webhook["url"] == "https://tocsin.example.org/telegram/webhook"
    assert bot.fake.webhook["secret_token"] == SECRET
    assert bot.fake.webhook["allowed_updates"] == ["message", "callback_query"]


async def test_the_command_menu_is_published_in_each_language(bot: RunningBot) -> None:
    await bot.until(lambda: len(bot.fake.commands) == 7)
    assert set(bot.fake.commands) == {"en", "fr", "ar", "es", "pt", "sw", None}
    names = [c["command"] for c in bot.fake.commands["fr"]]
    assert names == ["start", "help", "status", "add", "language", "delete", "cancel"]
    english = {c["command"]: c["description"] for c in bot.fake.commands["en"]}
    french = {c["command"]: c["description"] for c in bot.fake.commands["fr"]}
    arabic = {c["command"]: c["description"] for c in bot.fake.commands["ar"]}
    assert english["delete"] != french["delete"] != arabic["delete"]
    others = {language: bot.fake.commands[language] for language in ("es", "pt", "sw")}
    assert len({commands[5]["description"] for commands in others.values()}) == 3
    assert all(english["delete"] not in str(commands) for commands in others.values())
    assert bot.fake.commands[None] == bot.fake.commands["en"]  # the default language


async def test_a_photo_is_downloaded_and_stored_encrypted_with_its_sha256(
    bot: RunningBot,
) -> None:
    content = b"\xff\xd8\xff\xe0" + b"evidence " * 5000
    bot.fake.add_file(PHOTO_ID, content, "photos/file_7.jpg")
    person = TelegramPerson(bot, 41_000_003)
    photo = person.message_update(
        photo=[
            {
                "file_id": PHOTO_ID,
                "file_unique_id": "AQAD8sYx",
                "file_size": len(content),
                "width": 816,
                "height": 1023,
            }
        ]
    )
    await complete_report(person, "en", STORY, after_story=[photo])

    [report] = await bot.app.store.list_reports(actor="test")
    [media] = report.media
    assert (media.kind, media.size_bytes) == ("photo", len(content))
    assert media.sha256 == hashlib.sha256(content).hexdigest()
    async with bot.app.database.connect() as connection:
        [sealed] = (await connection.execute(select(ReportMedia.content_enc))).scalars()
    assert b"evidence" not in sealed


async def test_a_file_over_the_limit_is_refused_with_a_clear_message(bot: RunningBot) -> None:
    person = TelegramPerson(bot, 41_000_004)
    announced_big = person.message_update(
        document={
            "file_id": "BQAD-big",
            "file_unique_id": "AgAD-big",
            "file_name": "v.mp4",
            "mime_type": "video/mp4",
            "file_size": 5 * 1024 * 1024,
        }
    )
    bot.fake.add_file("BQAD-quiet", b"x" * (2 * 1024 * 1024))  # its size not announced
    quietly_big = person.message_update(
        document={"file_id": "BQAD-quiet", "file_unique_id": "AgAD-quiet", "file_name": "a.bin"}
    )
    await person.say("/start")
    await person.send(announced_big)
    assert "too large (the limit is 1 MB)" in person.sent[-2]["text"]
    assert bot.fake.calls_to("getFile") == []  # not even fetched
    await person.send(quietly_big)
    assert "too large (the limit is 1 MB)" in person.sent[-2]["text"]
    assert len(bot.fake.calls_to("getFile")) == 1


async def test_a_429_is_honoured_and_the_answer_arrives_once(bot: RunningBot) -> None:
    person = TelegramPerson(bot, 41_000_005)
    bot.fake.fail("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    await person.say("/help")
    attempts = bot.fake.calls_to("sendMessage")
    assert len(attempts) == 2 and attempts[0] == attempts[1]
    assert time.monotonic() - started >= 1.0  # waited retry_after before trying again
    assert len(bot.fake.chats[str(person.chat_id)]) == 1


async def test_5xx_answers_are_retried(bot: RunningBot) -> None:
    person = TelegramPerson(bot, 41_000_006)
    bot.fake.fail("sendMessage", 502, times=2)
    await person.say("/help")
    assert len(bot.fake.calls_to("sendMessage")) == 3
    assert len(bot.fake.chats[str(person.chat_id)]) == 1


async def test_answers_wait_in_the_inbox_while_telegram_is_down(bot: RunningBot) -> None:
    person = TelegramPerson(bot, 41_000_007)
    bot.fake.go_down(502)
    await bot.deliver(person.message_update(text="/help"))
    await bot.until(lambda: len(bot.fake.calls_to("sendMessage")) >= 5)
    assert not bot.fake.chats.get(str(person.chat_id))
    bot.fake.come_back()
    await bot.settled(timeout=20)
    assert len(bot.fake.chats[str(person.chat_id)]) == 1  # delivered once Telegram is back
    assert [row.status for row in await inbox_rows(bot)] == ["done", "done"]


async def test_polling_loses_nothing_while_telegram_is_down(
    fake: FakeTelegram, settings: Settings, shared_nlu: Nlu
) -> None:
    fake.go_down(502)  # down before we even start
    configured = bot_settings(settings, fake, webhook=False)
    async with running_bot(
        configured, shared_nlu, fake, limits=RateLimits.unlimited(), retry_delay=0.01
    ) as bot:
        person = TelegramPerson(bot, 41_000_008)
        fake.push_update(person.message_update(text="/help"))
        fake.push_update(person.message_update(text="/cancel"))
        await bot.until(lambda: len(fake.calls) >= 5)
        assert person.sent == []
        fake.come_back()
        await bot.until(lambda: len(person.sent) == 2, timeout=15)
        assert "/start" in person.sent[0]["text"] and "nothing to cancel" in person.sent[1]["text"]


async def test_clearing_the_chat_deletes_both_sides_of_the_conversation(bot: RunningBot) -> None:
    person = TelegramPerson(bot, 41_000_009)
    await complete_report(person, "en", STORY)
    bot_messages = set(person.screen)
    await person.press("~clear")
    deleted = {n for call in bot.fake.calls_to("deleteMessages") for n in call["message_ids"]}
    assert bot_messages <= deleted
    assert {10_001, 10_002} <= deleted  # the person's own messages (/start, the story)
    [answer] = [a for a in bot.fake.calls_to("answerCallbackQuery") if a.get("text")]
    assert answer["text"] == "This chat has been cleared."


async def test_a_typed_answer_retires_the_buttons_and_a_late_press_is_ignored(
    bot: RunningBot,
) -> None:
    person = TelegramPerson(bot, 41_000_010)
    await person.say("/start")
    await person.say(STORY)
    question = person.message_with_button("yes")  # "It sounds like a beating… Is that right?"
    assert question is not None
    await person.say("1")  # typed instead of pressed
    assert "reply_markup" not in person.screen[question["message_id"]]
    sent_before = len(person.sent)
    await person.send(person.press_update(question, "no"))  # an old screen's button
    assert len(person.sent) == sent_before
    presses = bot.fake.calls_to("answerCallbackQuery")
    assert len(presses) == 1  # answered all the same, so it stops spinning


async def test_logs_carry_no_chat_id_and_no_story(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    person = TelegramPerson(bot, 41_000_011)
    await complete_report(person, "en", STORY)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "turn channel=telegram" in logged  # the engine did log the turns
    assert "41000011" not in logged and "market in Gao" not in logged
