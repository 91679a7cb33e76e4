"""The WhatsApp delivery ledger and the outbound table it settles, on both storage backends:
statuses, windows, the copies kept until delivered, scheduled and failed sends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.whatsapp_payloads import StatusUpdate
from bot.channels.whatsapp_store import FailedDelivery, WhatsAppLedger
from reports.crypto import Keyring
from reports.models import OutboundRow
from reports.outbound import OutboundLog

BODY = {
    "messaging_product": "whatsapp",
    "to": "22376543210",
    "type": "text",
    "text": {"body": "Hi"},
}
PSEUDONYM = "p" * 64


def request(language: str) -> dict:  # type: ignore[type-arg]
    return {"body": BODY, "language": language, "kind": "reply", "pseudonym": PSEUDONYM}


async def sent(
    ledger: WhatsAppLedger, outbound: OutboundLog, wamid: str, language: str = "en"
) -> None:
    """What the channel does once Meta took a message: its status row and its sealed copy."""
    await ledger.record_sent(wamid, PSEUDONYM, "reply")
    await outbound.accepted("whatsapp", PSEUDONYM, "22376543210", request(language), wamid)


async def copy_of(database: AsyncEngine, wamid: str) -> tuple[str, bytes]:
    async with database.connect() as connection:
        row = (
            await connection.execute(
                select(OutboundRow.status, OutboundRow.payload_enc).where(
                    OutboundRow.external_id == wamid
                )
            )
        ).one()
    return row.status, row.payload_enc


async def test_sent_message_follows_its_statuses_and_forgets_its_content_once_delivered(
    database: AsyncEngine, keyring: Keyring
) -> None:
    ledger, outbound = WhatsAppLedger(database), OutboundLog(database, keyring)
    await sent(ledger, outbound, "wamid.A")
    await ledger.record_statuses([StatusUpdate("wamid.A", "sent")])
    status, sealed = await copy_of(database, "wamid.A")
    assert status == "accepted" and sealed and b"22376543210" not in sealed
    await ledger.record_statuses([StatusUpdate("wamid.A", "delivered")])
    await ledger.record_statuses([StatusUpdate("wamid.A", "sent")])  # late, ignored
    assert await ledger.status_of("wamid.A") == "delivered"
    assert await copy_of(database, "wamid.A") == ("sent", b"")
    await ledger.close()


async def test_failed_status_hands_the_sealed_request_to_the_channel(
    database: AsyncEngine, keyring: Keyring
) -> None:
    ledger, outbound = WhatsAppLedger(database), OutboundLog(database, keyring)
    handed: list[FailedDelivery] = []

    async def on_failed(failures: list[FailedDelivery]) -> None:
        handed.extend(failures)

    ledger.on_failed = on_failed
    await sent(ledger, outbound, "wamid.B", "fr")
    await ledger.record_statuses([StatusUpdate("wamid.B", "failed", 131047)])
    await ledger.record_statuses([StatusUpdate("wamid.B", "failed", 131047)])  # redelivered
    await ledger.close()
    assert handed == [FailedDelivery("wamid.B", 131047)]
    [(wamid, copy)] = (await outbound.by_external(["wamid.B"])).items()
    assert wamid == "wamid.B"
    assert copy.message == request("fr")


async def test_statuses_of_many_webhooks_are_written_in_one_go(database: AsyncEngine) -> None:
    ledger = WhatsAppLedger(database)
    updates = [StatusUpdate(f"wamid.{n}", ("sent", "read")[n % 2]) for n in range(500)]
    await asyncio.gather(*(ledger.record_statuses([update]) for update in updates))
    assert await ledger.counts() == {"sent": 250, "read": 250}
    await ledger.close()


async def test_window_is_open_for_24_hours_after_the_person_wrote(database: AsyncEngine) -> None:
    ledger = WhatsAppLedger(database)
    now = datetime.now(UTC)
    await ledger.touch_window("recent" * 4, now - timedelta(hours=23))
    await ledger.touch_window("old" * 8, now - timedelta(hours=25))
    assert await ledger.window_open("recent" * 4)
    assert not await ledger.window_open("old" * 8)
    assert not await ledger.window_open("never" * 4)
    await ledger.close()


async def test_scheduled_message_is_claimed_once_when_due(
    database: AsyncEngine, keyring: Keyring
) -> None:
    outbound = OutboundLog(database, keyring)
    for delay in (timedelta(0), timedelta(hours=1)):
        await outbound.schedule("whatsapp", PSEUDONYM, "22376543210", [request("ar")], delay=delay)
    first, second = await asyncio.gather(
        outbound.claim_due(["whatsapp"]), outbound.claim_due(["whatsapp"])
    )
    claimed = first + second
    assert [one.message["language"] for one in claimed] == ["ar"]
    assert await outbound.claim_due(["telegram"]) == []
    await outbound.resent(claimed[0], "wamid.C")
    assert await outbound.counts("whatsapp") == {"accepted": 1, "pending": 1}


async def test_a_claim_left_by_a_crashed_process_is_taken_again_after_its_lease(
    database: AsyncEngine, keyring: Keyring
) -> None:
    outbound = OutboundLog(database, keyring)
    await outbound.schedule(
        "whatsapp", PSEUDONYM, "22376543210", [request("en")], delay=timedelta(0)
    )
    [claimed] = await outbound.claim_due(["whatsapp"], lease=timedelta(seconds=-1))
    # the claimer died before it sent or settled the row: its lease has run out
    [again] = await outbound.claim_due(["whatsapp"])
    assert again.id == claimed.id
    assert await outbound.claim_due(["whatsapp"]) == []
