"""`/delete` erases everything: a report filed on every channel with a marker in its text, an
exact pin and a phone number is erased, then every table is read, every sealed value opened
with the deployment key, and none of them is found anywhere.

Sealed values are opened the way whoever holds the key could open them: AES-GCM is AES-CTR
with a tag, so the key alone reads a value without knowing which field it was sealed for.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import MetaData, inspect, select
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.messages import Location
from escalation.models import Alert
from escalation.worker import build_worker
from nlu import Nlu
from reports.crypto import FORMAT_VERSION, KEY_ID_BYTES, NONCE_BYTES, Keyring
from tests.bot.channels.telegram_harness import (
    TelegramPerson,
    bot_settings,
    complete_report,
    running_bot,
)
from tests.bot.channels.whatsapp_harness import whatsapp_harness
from tests.bot.conversation import Person as EnginePerson
from tests.bot.flow.driver import answer_until_submitted
from tests.conftest import TEST_SECRET, truncate_all
from tests.fakes.telegram import FakeTelegram
from tests.fakes.whatsapp import Person as WhatsAppUser
from tests.fakes.whatsapp import button_reply, status_webhook, text
from tests.fakes.whatsapp_people import Reporter
from tocsin.app import App, build_app
from tocsin.settings import Settings

MARKER = "ZEBRAQUILT"
PHONE = "22376549871"
PIN = (13.6271, -3.9146)
STORY = f"Soldiers beat three men at the market yesterday {MARKER}, call me on +{PHONE}"


def _open_with_key(token: bytes) -> bytes | None:
    """A sealed value's plaintext, read with the deployment key alone (no field context)."""
    header = 1 + KEY_ID_BYTES
    if len(token) < header + NONCE_BYTES + 16 or token[:1] != FORMAT_VERSION:
        return None
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"tocsin/v1", info=b"field-encryption"
    ).derive(TEST_SECRET.encode())
    nonce = token[header : header + NONCE_BYTES]
    counter = modes.CTR(nonce + b"\x00\x00\x00\x02")  # GCM's first counter block for data
    decryptor = Cipher(algorithms.AES(key), counter).decryptor()
    return decryptor.update(token[header + NONCE_BYTES : -16]) + decryptor.finalize()


def _readable(value: Any) -> list[str]:
    """What a value says: as stored, and opened when sealed."""
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        opened = _open_with_key(raw)
        return [raw.decode("utf-8", "replace"), (opened or b"").decode("utf-8", "replace")]
    if isinstance(value, dict | list):
        return [json.dumps(value, ensure_ascii=False)]
    return [str(value)]


async def _every_value(engine: AsyncEngine) -> list[tuple[str, str, Any]]:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        metadata = MetaData()
        await connection.run_sync(lambda sync: metadata.reflect(sync, only=names))
        found = []
        for name, table in metadata.tables.items():
            for row in (await connection.execute(select(table))).mappings():
                found.extend((name, column, value) for column, value in row.items())
        return found


async def assert_nothing_left(engine: AsyncEngine, *also: str) -> None:
    """No table holds the marker, the phone number or the pin, sealed or in clear."""
    needles = (MARKER, PHONE, "76 54 98 71", *(f"{c:.4f}" for c in PIN), *also)
    values = await _every_value(engine)
    assert len(values) > 80  # the database was read, not empty
    for table, column, value in values:
        if isinstance(value, float):
            assert all(abs(value - c) > 1e-3 for c in PIN), (table, column, value)
            continue
        for readable in _readable(value):
            for needle in needles:
                assert needle not in readable, (table, column, needle)


async def _scalars(engine: AsyncEngine, query: str) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(sql(query))).all())


async def memberships(engine: AsyncEngine) -> int:
    [(count,)] = await _scalars(engine, "SELECT count(*) FROM escalation_alert_reports")
    return int(count)


async def assert_out_of_incidents(engine: AsyncEngine) -> None:
    """No erased report is still a member of an incident, and every incident counts only the
    reports still in it (an erased one no longer counts)."""
    kept = await _scalars(
        engine,
        "SELECT m.alert_id FROM escalation_alert_reports m JOIN reports r ON r.id = m.report_id "
        "WHERE r.erased",
    )
    assert kept == [], "an erased report is still a member of an incident"
    counts = await _scalars(
        engine,
        "SELECT a.id, a.report_count, (SELECT count(*) FROM escalation_alert_reports m "
        "WHERE m.alert_id = a.id) FROM escalation_alerts a WHERE a.kind = 'incident'",
    )
    assert counts and all(count == members for _id, count, members in counts), counts


async def run_escalation(app: App) -> None:
    """What the worker does with the outbox: incidents (with the report's pin), pings."""
    worker = build_worker(app.settings, app.database, app.keyring, store=app.store)
    for _round in range(5):
        if not await worker.route_once():
            break
    await worker.close()


async def alert_pins(app: App) -> list[tuple[float | None, float | None]]:
    async with app.database.connect() as connection:
        return [tuple(row) for row in await connection.execute(select(Alert.lat, Alert.lon))]


async def test_erasure_on_telegram_leaves_nothing(settings: Settings, shared_nlu: Nlu) -> None:
    async with FakeTelegram() as fake:
        configured = bot_settings(settings, fake)
        async with running_bot(configured, shared_nlu, fake) as bot:
            person = TelegramPerson(bot, 7_319_284_561)
            pin = {"latitude": PIN[0], "longitude": PIN[1]}
            reference = await complete_report(
                person, "en", STORY, after_story=[person.message_update(location=pin)]
            )
            await run_escalation(bot.app)
            assert (PIN[0], PIN[1]) in await alert_pins(bot.app)  # the copy erasure must remove
            assert await memberships(bot.app.database) >= 1
            await person.say("/delete")
            await person.press("erase")
            assert "erased" in person.last_sent()["text"]
            await run_escalation(bot.app)
            await assert_nothing_left(bot.app.database, "7319284561")
            await assert_out_of_incidents(bot.app.database)
            async with bot.app.database.connect() as connection:
                erased = await connection.execute(
                    sql("SELECT erased FROM reports WHERE reference = :r"), {"r": reference}
                )
                assert erased.scalar_one()


async def test_erasure_on_whatsapp_leaves_nothing(settings: Settings, shared_nlu: Nlu) -> None:
    async with whatsapp_harness(settings, shared_nlu) as harness:
        user = WhatsAppUser(bsuid="ML.1410018717839871", phone=PHONE)
        reporter = Reporter(user, "en", harness.graph, harness.post_raw, story=STORY, pin=PIN)
        assert await reporter.report()
        await run_escalation(harness.app)
        assert (PIN[0], PIN[1]) in await alert_pins(harness.app)
        assert await memberships(harness.app.database) >= 1
        await reporter.say(text("/delete"))
        sent_before = len(harness.graph.wamids)  # their sealed copies wait for "delivered"
        replies = await reporter.say(button_reply("erase", "Yes, erase everything"))
        assert "erased" in json.dumps(replies)
        await run_escalation(harness.app)
        # the confirmation itself is kept sealed (with the number) until Meta delivers it
        for wamid in harness.graph.wamids[sent_before:]:
            body = status_webhook(wamid, "delivered", PHONE)
            assert (await harness.post(body))[0] == 200
        await assert_nothing_left(harness.app.database)
        await assert_out_of_incidents(harness.app.database)


@pytest.fixture(params=["sqlite", "postgres"])
def console_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "sqlite":
        return settings
    return settings.model_copy(update={"database_url": request.getfixturevalue("postgres_url")})


@pytest.fixture
async def console_app(console_settings: Settings, shared_nlu: Nlu) -> AsyncIterator[App]:
    app = await build_app(console_settings, nlu=shared_nlu)
    if app.database.dialect.name == "postgresql":
        await truncate_all(app.database)
    yield app
    await app.close()


async def test_erasure_in_the_console_leaves_nothing(console_app: App) -> None:
    person = EnginePerson(console_app.conversation, sender_id=f"+{PHONE}", channel="console")
    await person.send("/start")
    await person.pick("lang:en")
    await person.send(STORY)
    await person.send(location=Location(*PIN))
    await answer_until_submitted(person, {"contact": ("choice", "contact")})
    assert person.reference()
    await run_escalation(console_app)
    assert (PIN[0], PIN[1]) in await alert_pins(console_app)
    assert await memberships(console_app.database) >= 1
    await person.send("/delete")
    await person.pick("erase")
    await run_escalation(console_app)
    await assert_nothing_left(console_app.database)
    await assert_out_of_incidents(console_app.database)


def test_the_scan_opens_a_sealed_marker_without_its_context(keyring: Keyring) -> None:
    """The scan would see the marker if it were still sealed anywhere."""
    token = keyring.encrypt_text(STORY, context="TX-AAAA-BBBB/description")
    assert any(MARKER in readable for readable in _readable(token))
