"""What the Telegram webhook cannot read it refuses cleanly: an authenticated poison is
acknowledged with 200 and nothing stored (Telegram would redeliver an error for a day), odd
strings are made storable, impossible pins get a clear answer, and nobody holds a connection
open by promising a body they never send."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from nlu import Nlu
from reports.models import InboundItem
from reports.telegram_rate import RateLimits
from tests.bot.channels.telegram_harness import (
    SECRET,
    RunningBot,
    TelegramPerson,
    bot_settings,
    running_bot,
)
from tests.fakes.telegram import FakeTelegram
from tocsin.settings import Settings

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
STORY = "Soldiers beat three men at the market yesterday evening"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram, settings: Settings, shared_nlu: Nlu) -> AsyncIterator[RunningBot]:
    configured = bot_settings(settings, fake)
    async with running_bot(configured, shared_nlu, fake, limits=RateLimits.unlimited()) as bot:
        yield bot


async def _post_raw(bot: RunningBot, raw: bytes) -> int:
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    async with bot.http.post(f"{bot.url}/telegram/webhook", data=raw, headers=headers) as answer:
        return answer.status


async def _inbox_rows(bot: RunningBot) -> int:
    async with bot.app.database.connect() as connection:
        count = await connection.execute(select(func.count()).select_from(InboundItem))
        return int(count.scalar_one())


async def test_unreadable_updates_are_acknowledged_and_store_nothing(bot: RunningBot) -> None:
    person = TelegramPerson(bot, 42_000_001)
    update = person.message_update(text="MARKER")
    deep = json.dumps(update).encode().replace(b'"MARKER"', b"[" * 5000 + b"]" * 5000)
    chat_not_object = {**update, "message": {**update["message"], "chat": "notadict"}}
    huge_id = {**update, "update_id": 10**30}
    for raw in (
        deep,
        b"{not json",
        json.dumps(chat_not_object).encode(),
        json.dumps(huge_id).encode(),
        json.dumps({**update, "update_id": True}).encode(),
        b'"just a string"',
    ):
        assert await _post_raw(bot, raw) == 200, raw[:60]
    assert await _inbox_rows(bot) == 0
    assert person.sent == []


async def test_a_lone_surrogate_in_the_text_is_repaired_stored_and_answered(
    bot: RunningBot,
) -> None:
    person = TelegramPerson(bot, 42_000_002)
    raw = json.dumps(person.message_update(text="MARKER")).encode()
    assert await _post_raw(bot, raw.replace(b"MARKER", b"hello \\ud800 there")) == 200
    await bot.settled()
    assert await _inbox_rows(bot) == 1
    assert person.sent  # answered, not retried until it fails


async def test_a_location_of_the_wrong_type_is_answered(bot: RunningBot) -> None:
    person = TelegramPerson(bot, 42_000_003)
    await person.say(STORY)
    before = len(person.sent)
    await person.send(person.message_update(location="14.48,-4.18"))
    assert len(person.sent) > before


@pytest.mark.parametrize(
    "pin",
    [b'{"latitude": 999, "longitude": 999}', b'{"latitude": -91, "longitude": 181}',
     b'{"latitude": NaN, "longitude": NaN}'],
    ids=["999-999", "minus91-181", "nan"],
)  # fmt: skip
async def test_an_impossible_pin_gets_a_clear_answer_and_is_not_kept(
    pin: bytes, bot: RunningBot
) -> None:
    person = TelegramPerson(bot, 42_000_004)
    await person.say(STORY)
    before = len(person.sent)
    raw = json.dumps(person.message_update(location={})).encode()
    assert await _post_raw(bot, raw.replace(b'"location": {}', b'"location": ' + pin)) == 200
    await bot.settled()
    said = " ".join(message["text"] for message in person.sent[before:])
    assert "cannot be right" in said
    pseudonym = bot.app.keyring.pseudonym("telegram", str(person.chat_id))
    session = await bot.app.sessions.load(pseudonym)
    assert session is not None and session.draft.lat is None


async def _promise_a_large_body(bot: RunningBot, headers: dict[str, str]) -> bytes:
    host, port = bot.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    writer.write(
        f"POST /telegram/webhook HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: 1000000\r\n{head}\r\n".encode()
        + b"x" * 50
    )
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(200), timeout=30)
    finally:
        writer.close()


async def test_a_request_promising_a_large_body_is_not_held_open(bot: RunningBot) -> None:
    started = time.monotonic()
    assert (await _promise_a_large_body(bot, {})).startswith(b"HTTP/1.1 401")
    assert time.monotonic() - started < 2
    answer = await _promise_a_large_body(bot, {SECRET_HEADER: SECRET})
    assert answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 15
