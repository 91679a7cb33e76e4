"""What happens to pings later: the reporter erases, the day ends (digest)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from escalation.models import Alert, AlertReport
from escalation.rules import Digest
from escalation.timers import queue_digest
from tests.escalation.conftest import DESK, Bench, only


async def memberships(bench: Bench, report_id: int) -> list[int]:
    async with bench.store.engine.connect() as connection:
        rows = await connection.execute(
            select(AlertReport.alert_id).where(AlertReport.report_id == report_id)
        )
        return list(rows.scalars())


async def incident_of(bench: Bench, alert_id: int) -> Alert:
    async with bench.store.engine.connect() as connection:
        return (await connection.execute(select(Alert).where(Alert.id == alert_id))).one()


async def test_an_erased_report_leaves_its_incident_and_its_ping(bench: Bench) -> None:
    view = await bench.submit(immediate_danger=True, person="erasing witness")
    await bench.run()
    [alert_id] = await memberships(bench, view.id)
    pseudonyms = bench.keyring.pseudonyms("console", "erasing witness")
    assert await bench.store.erase_reporter(pseudonyms) == 1
    await bench.run()
    assert await memberships(bench, view.id) == []
    alert = await incident_of(bench, alert_id)
    assert alert.report_count == 0 and alert.state == "dismissed"
    assert alert.next_escalation_at is None, "nobody is reminded of an erased report"
    assert (alert.lat, alert.lon, alert.admin_area, alert.first_report_id) == (None,) * 4
    ping = only(bench.bot_api.chat(DESK))
    assert "No report is left in this incident" in ping.text
    assert view.reference not in ping.text, "the ping no longer ties the report to it"
    assert "Mopti" not in ping.text, "the erased place is gone from the ping too"
    assert not ping.buttons


async def test_an_erased_report_leaves_a_shared_incident_whose_count_drops(bench: Bench) -> None:
    first = await bench.submit(person="erasing witness")
    await bench.run()
    second = await bench.submit(lat=14.49, lon=-4.19, person="another witness", place="Sévaré")
    await bench.run()
    [alert_id] = await memberships(bench, first.id)
    assert (await incident_of(bench, alert_id)).report_count == 2
    pseudonyms = bench.keyring.pseudonyms("console", "erasing witness")
    assert await bench.store.erase_reporter(pseudonyms) == 1
    await bench.run()
    assert await memberships(bench, first.id) == []
    assert await memberships(bench, second.id) == [alert_id]
    alert = await incident_of(bench, alert_id)
    assert alert.report_count == 1 and alert.state == "open"
    assert (alert.first_report_id, alert.lat, alert.lon) == (second.id, 14.49, -4.19)
    ping = only(bench.bot_api.chat(DESK))
    assert second.reference in ping.text and first.reference not in ping.text
    assert "Reports of this incident" not in ping.text


async def test_the_digest_waits_for_its_hour_and_goes_once_a_day(bench: Bench) -> None:
    ruleset = bench.worker.ruleset.model_copy(
        update={"digest": Digest(enabled=True, at_hour_utc=7)}
    )
    next_day = (bench.clock.now() + timedelta(days=1)).date()
    bench.clock.set(datetime.combine(next_day, time(6, 59, 50), UTC))
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) == 0
    bench.clock.advance(timedelta(seconds=15))
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) >= 1
    bench.clock.set(datetime.combine(next_day, time(23, 59, 50), UTC))
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) == 0
    bench.clock.advance(timedelta(hours=7, seconds=15))
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) >= 1


async def test_each_staff_chat_gets_one_digest_a_day(bench: Bench) -> None:
    await bench.submit(immediate_danger=True)
    await bench.run()
    ruleset = bench.worker.ruleset.model_copy(
        update={
            "digest": bench.worker.ruleset.digest.model_copy(
                update={"enabled": True, "at_hour_utc": 0}
            )
        }
    )
    bench.worker.policy.ruleset = ruleset
    bench.worker.dispatcher.ruleset = ruleset
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) >= 1
    assert await queue_digest(bench.worker.sessions, ruleset, bench.clock) == 0
    await bench.run()
    digest = bench.texts(DESK)[-1]
    assert digest.startswith("🗓 Daily digest")
    assert "New alerts: " in digest and "Still waiting for acknowledgement: 1" in digest
    assert "Daily digest" in bench.mails_to("head@example.org")[-1].message["Subject"]
