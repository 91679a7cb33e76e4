"""The WhatsApp ledger on both storage backends: statuses, windows, queued and failed sends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.whatsapp_payloads import StatusUpdate
from bot.channels.whatsapp_store import PendingMessage, WhatsAppLedger, WhatsAppOutbound
from reports.crypto import Keyring

BODY = {
    "messaging_product": "whatsapp",
    "to": "22376543210",
    "type": "text",
    "text": {"body": "Hi"},
}


async def test_sent_message_follows_its_statuses_and_forgets_its_content_once_delivered(
    database: AsyncEngine, keyring: Keyring
) -> None:
    ledger = WhatsAppLedger(database, keyring)
    await ledger.record_sent("wamid.A", "p" * 64, "reply", ledger.seal(BODY, "en"))
    await ledger.record_statuses([StatusUpdate("wamid.A", "sent")])
    async with database.connect() as connection:
        sealed = (await connection.execute(select(WhatsAppOutbound.body_enc))).scalar_one()
    assert sealed and b"22376543210" not in sealed
    await ledger.record_statuses([StatusUpdate("wamid.A", "delivered")])
    await ledger.record_statuses([StatusUpdate("wamid.A", "sent")])  # late, ignored
    assert await ledger.status_of("wamid.A") == "delivered"
    async with database.connect() as connection:
        assert (await connection.execute(select(WhatsAppOutbound.body_enc))).scalar_one() is None
    await ledger.close()


async def test_failed_status_hands_the_sealed_request_to_the_channel(
    database: AsyncEngine, keyring: Keyring
) -> None:
    ledger = WhatsAppLedger(database, keyring)
    handed: list[PendingMessage] = []

    async def on_failed(messages: list[PendingMessage]) -> None:
        handed.extend(messages)

    ledger.on_failed = on_failed
    await ledger.record_sent("wamid.B", "p" * 64, "reply", ledger.seal(BODY, "fr"))
    await ledger.record_statuses([StatusUpdate("wamid.B", "failed", 131047)])
    await ledger.record_statuses([StatusUpdate("wamid.B", "failed", 131047)])  # redelivered
    await ledger.close()
    [message] = handed
    assert message.error_code == 131047
    assert message.request == {"body": BODY, "language": "fr"}


async def test_statuses_of_many_webhooks_are_written_in_one_go(
    database: AsyncEngine, keyring: Keyring
) -> None:
    ledger = WhatsAppLedger(database, keyring)
    updates = [StatusUpdate(f"wamid.{n}", ("sent", "read")[n % 2]) for n in range(500)]
    await asyncio.gather(*(ledger.record_statuses([update]) for update in updates))
    assert await ledger.counts() == {"sent": 250, "read": 250}
    await ledger.close()


async def test_window_is_open_for_24_hours_after_the_person_wrote(
    database: AsyncEngine, keyring: Keyring
) -> None:
    ledger = WhatsAppLedger(database, keyring)
    now = datetime.now(UTC)
    await ledger.touch_window("recent" * 4, now - timedelta(hours=23))
    await ledger.touch_window("old" * 8, now - timedelta(hours=25))
    assert await ledger.window_open("recent" * 4)
    assert not await ledger.window_open("old" * 8)
    assert not await ledger.window_open("never" * 4)
    await ledger.close()


async def test_queued_message_is_claimed_once_when_due(
    database: AsyncEngine, keyring: Keyring
) -> None:
    ledger = WhatsAppLedger(database, keyring)
    await ledger.queue("p" * 64, "followup", ledger.seal(BODY, "ar"), delay_seconds=0)
    await ledger.queue("p" * 64, "followup", ledger.seal(BODY, "ar"), delay_seconds=3600)
    first, second = await asyncio.gather(ledger.claim_due(), ledger.claim_due())
    claimed = first + second
    assert [message.request["language"] for message in claimed] == ["ar"]
    await ledger.resent(claimed[0], "wamid.C", None)
    assert await ledger.counts() == {"accepted": 1, "queued": 1}
    await ledger.close()
