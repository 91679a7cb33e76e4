"""Every real update shape in tests/payloads/telegram/, replayed through the fake Bot API.

Each file holds an update as Telegram sends it and what must follow: how the channel reads it
(`inbound`), where it goes (`route`: a person, a staff chat, or nowhere), and what the bot does
(answers, downloads the file, answers the button, hands it to the staff gateway). A new shape
is a new file, not a new test.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.channels.telegram_updates import PersonUpdate, read_person
from bot.messages import InboundMessage
from nlu import Nlu
from reports.models import InboundItem
from reports.telegram_rate import RateLimits
from tests.bot.channels.telegram_harness import bot_settings, running_bot
from tests.fakes.telegram import FakeTelegram
from tocsin.settings import Settings

PAYLOADS = sorted((Path(__file__).parents[2] / "payloads" / "telegram").glob("*.json"))


@dataclass
class RecordingGateway:
    """A staff gateway that records what it is handed (escalation implements the real one)."""

    actions: list[dict[str, str]] = field(default_factory=list)
    messages: list[dict[str, str | None]] = field(default_factory=list)
    # the chats its rules ping; these tests name the staff chat in the settings instead
    staff_chats: frozenset[str] = frozenset()

    async def handle_staff_action(
        self, channel: str, chat_id: str, user_id: str, message_id: str, data: str
    ) -> str:
        self.actions.append(
            {"chat_id": chat_id, "user_id": user_id, "message_id": message_id, "data": data}
        )
        return "Acknowledged"

    async def handle_staff_message(
        self, channel: str, chat_id: str, user_id: str, text: str, reply_to_message_id: str | None
    ) -> str | None:
        self.messages.append(
            {
                "chat_id": chat_id,
                "user_id": user_id,
                "text": text,
                "reply_to_message_id": reply_to_message_id,
            }
        )
        return None


async def no_download(file_id: str, size: int | None) -> bytes:
    raise AssertionError("parsing never downloads")


def read(update: dict[str, Any]) -> PersonUpdate:
    person, _query = read_person(update, no_download)
    assert person is not None
    return person


def chat_of(update: dict[str, Any]) -> str:
    message = update.get("message") or update.get("callback_query", {}).get("message") or {}
    return str(message.get("chat", {}).get("id", ""))


def observed(inbound: InboundMessage) -> dict[str, Any]:
    """The InboundMessage in the vocabulary of the payload files."""
    media, location = inbound.media, inbound.location
    values: dict[str, Any] = {
        "text": inbound.text,
        "choice": inbound.choice,
        "language_hint": inbound.language_hint,
        "shared_contact": inbound.shared_contact,
        "unsupported": inbound.unsupported,
        "media_kind": media.kind if media else None,
        "media_size": media.size if media else None,
        "mime_type": media.mime_type if media else None,
        "file_name": media.file_name if media else None,
        "location": [location.lat, location.lon] if location else None,
        "location_name": location.name if location else None,
    }
    return values


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.mark.parametrize("path", PAYLOADS, ids=[path.stem for path in PAYLOADS])
async def test_payload(path: Path, fake: FakeTelegram, settings: Settings, shared_nlu: Nlu) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    update, expect = case["update"], case["expect"]
    if expect["route"] == "person":
        inbound = read(update).inbound
        assert inbound.sender_id == chat_of(update)
        got = observed(inbound)
        assert {key: got[key] for key in expect["inbound"]} == expect["inbound"]
    if "downloads" in expect:
        fake.add_file(expect["downloads"], b"\xff\xd8evidence-bytes")

    gateway = RecordingGateway()
    async with running_bot(
        bot_settings(settings, fake), shared_nlu, fake, limits=RateLimits.unlimited()
    ) as bot:
        bot.app.staff_gateway = gateway
        assert await bot.post_webhook(update) == 200
        await bot.settled()
        async with bot.app.database.connect() as connection:
            rows = (await connection.execute(select(InboundItem))).all()
        chat = chat_of(update)
        replies = fake.texts_to(chat)

        if expect["route"] == "ignored":
            assert rows == [] and fake.calls_to("sendMessage") == []
            return
        assert [row.status for row in rows] == ["done"]
        assert rows[0].payload_enc == b""  # handled: the sealed update is dropped
        if expect.get("replies"):
            assert replies, "the person got no answer"
        if "first_reply_starts" in expect:
            assert replies[0].startswith(expect["first_reply_starts"]), replies
        if "downloads" in expect:
            assert [p["file_id"] for p in fake.calls_to("getFile")] == [expect["downloads"]]
            assert fake.calls_to("download")
        if expect.get("no_download"):
            assert fake.calls_to("getFile") == []
        if expect.get("answers_callback"):
            ids = [p["callback_query_id"] for p in fake.calls_to("answerCallbackQuery")]
            assert ids == [update["callback_query"]["id"]]
        if "edits_question" in expect:
            [edit] = fake.calls_to("editMessageText")
            assert edit["text"].endswith(f"✅ <b>{expect['edits_question']}</b>")
        if expect["route"] == "staff_action":
            assert gateway.actions == [expect["staff"]]
            [answer] = fake.calls_to("answerCallbackQuery")
            assert answer["text"] == "Acknowledged"
        if expect["route"] == "staff_message":
            assert gateway.messages == [expect["staff"]]
        if "never_stored" in expect:
            pseudonym = bot.app.keyring.pseudonym("telegram", chat)
            session = await bot.app.sessions.load(pseudonym)
            assert session is not None
            assert expect["never_stored"].encode() not in session.to_json()


async def test_a_press_in_a_chat_only_the_escalation_rules_name_reaches_the_staff_gateway(
    fake: FakeTelegram, settings: Settings, shared_nlu: Nlu
) -> None:
    """A confidential desk may be named only in the rules file, not in the settings: its
    buttons must still work, while other groups stay ignored."""
    staff_button = next(path for path in PAYLOADS if path.stem == "staff_button")
    case = json.loads(staff_button.read_text(encoding="utf-8"))
    update = case["update"]
    chat = chat_of(update)
    configured = bot_settings(settings, fake, staff_telegram_chats=[])
    gateway = RecordingGateway(staff_chats=frozenset({chat}))
    async with running_bot(configured, shared_nlu, fake, limits=RateLimits.unlimited()) as bot:
        bot.app.staff_gateway = None
        assert await bot.post_webhook(update) == 200
        await bot.settled()
        assert fake.calls_to("answerCallbackQuery") == []  # not a staff chat without the rules
        bot.app.staff_gateway = gateway
        update = {**update, "update_id": update["update_id"] + 1}
        assert await bot.post_webhook(update) == 200
        await bot.settled()
    assert gateway.actions == [case["expect"]["staff"]]
    [answer] = fake.calls_to("answerCallbackQuery")
    assert answer["text"] == "Acknowledged"
