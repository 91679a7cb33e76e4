"""What the SMS channel remembers, on both databases, with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.sms_payloads import DeliveryReport
from bot.channels.sms_store import SmsStore
from reports.crypto import Keyring

NOON = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOON

    def __call__(self) -> datetime:
        return self.now


async def test_a_message_sent_before_stop_does_not_lift_it(
    database: AsyncEngine, keyring: Keyring
) -> None:
    store = SmsStore(database, keyring, Clock())
    await store.set_opted_out("p1", True)
    await store.lift_opt_out("p1", NOON - timedelta(seconds=1))  # accepted before the STOP
    assert await store.opted_out("p1")
    await store.lift_opt_out("p1", NOON + timedelta(seconds=1))  # written after it
    assert not await store.opted_out("p1")


async def test_the_daily_cap_counts_per_person_and_starts_again_each_day(
    database: AsyncEngine, keyring: Keyring
) -> None:
    clock = Clock()
    store = SmsStore(database, keyring, clock)
    assert [await store.take_daily("p1", 2) for _ in range(3)] == [True, True, False]
    assert await store.take_daily("p2", 2)
    clock.now = NOON + timedelta(days=1)
    assert await store.take_daily("p1", 2)


async def test_the_safety_notice_goes_once(database: AsyncEngine, keyring: Keyring) -> None:
    store = SmsStore(database, keyring, Clock())
    assert [await store.take_notice("p1") for _ in range(2)] == [True, False]


async def test_a_failed_sms_comes_back_once_and_its_copy_is_dropped(
    database: AsyncEngine, keyring: Keyring
) -> None:
    store = SmsStore(database, keyring, Clock())
    await store.record_sent("twilio", "SM1", "p1", "+22370000000", "Send your report?", 1)
    pseudonym, resend = await store.apply_report(DeliveryReport("twilio", "SM1", "failed", "30003"))
    assert pseudonym == "p1" and resend is not None
    assert (resend.recipient, resend.text) == ("+22370000000", "Send your report?")
    await store.resent(resend.row_id, "SM2", None)
    _pseudonym, again = await store.apply_report(DeliveryReport("twilio", "SM2", "failed"))
    assert again is None
    (row,) = await store.outbound()
    assert (row.status, row.attempts, row.body_enc) == ("failed", 2, None)
