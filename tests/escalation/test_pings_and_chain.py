"""Routing by the rules, the escalation chain on a controllable clock, and acknowledgement."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from reports.models import AuditEntry
from tests.escalation.conftest import DESK, HEAD, SEAH, Bench, only


async def test_critical_report_pings_the_desk_with_the_essentials_and_buttons(bench: Bench) -> None:
    view = await bench.submit(immediate_danger=True)
    await bench.run()

    ping = only(bench.bot_api.chat(DESK))
    assert view.reference in ping.text
    assert "CRITICAL" in ping.text and "Killing or wounding" in ping.text
    assert "Mopti" in ping.text and "openstreetmap.org/?mlat=14.48430" in ping.text
    assert "Someone is in danger now." in ping.text
    assert "Reported by a community member" in ping.text
    assert "Soldiers shot" not in ping.text  # the description never leaves the database
    assert [data.split(":")[1] for data in ping.buttons] == ["ack", "assign", "verify", "dismiss"]
    assert all(len(data.encode()) <= 64 for data in ping.buttons)
    assert bench.bot_api.chat(HEAD) == [] and bench.mails_to("head@example.org") == []


async def test_critical_report_reaches_the_partners_webhook_signed(bench: Bench) -> None:
    view = await bench.submit(immediate_danger=True)
    await bench.run()

    body = only(bench.hooks.accepted)
    assert body["event"] == "alert.created"
    assert body["alert"]["reports"][0]["reference"] == view.reference
    assert body["alert"]["severity"] == "critical"
    assert bench.hooks.refused == 0


async def test_medium_report_matching_no_rule_pings_nobody(bench: Bench) -> None:
    await bench.submit(category="extortion_corruption", victims=1, affected_groups={})
    await bench.run()
    assert bench.bot_api.messages == [] and bench.smtp.received == []


async def test_unacknowledged_alert_climbs_the_chain_as_time_passes(bench: Bench) -> None:
    view = await bench.submit(immediate_danger=True)
    await bench.run()
    bench.clock.advance(timedelta(minutes=9))
    await bench.run()
    assert bench.bot_api.chat(HEAD) == []

    bench.clock.advance(timedelta(minutes=2))
    await bench.run()
    assert view.reference in only(bench.bot_api.chat(HEAD)).text
    mail = only(bench.mails_to("head@example.org"))
    assert mail.tls, "e-mail goes over STARTTLS"

    bench.clock.advance(timedelta(minutes=20))
    await bench.run()
    reminder = bench.bot_api.chat(DESK)[-1]
    assert len(bench.bot_api.chat(DESK)) == 2
    assert "Not acknowledged after 30 minutes" in reminder.text
    assert bench.bot_api.chat(SEAH) == [], "`all` never includes confidential targets"


async def test_acknowledgement_stops_the_chain_and_edits_the_ping(bench: Bench) -> None:
    view = await bench.submit(immediate_danger=True)
    await bench.run()

    answer = await bench.press("ack", view.reference)
    await bench.run()

    assert answer == "Acknowledged."
    ping = only(bench.bot_api.chat(DESK))
    assert "Acknowledged by Amina (@amina_desk)" in ping.text
    assert not any(data.startswith("esc:ack:") for data in ping.buttons)
    assert (await bench.store.get_report(view.reference, actor="test")).status == "triaged"

    bench.clock.advance(timedelta(hours=2))
    await bench.run()
    assert bench.bot_api.chat(HEAD) == [] and bench.mails_to("head@example.org") == []


async def test_timer_survives_a_restart_of_the_worker(bench: Bench) -> None:
    from tests.escalation.conftest import bench_settings, new_worker

    view = await bench.submit(immediate_danger=True)
    await bench.run()
    await bench.worker.close()
    settings = bench_settings("sqlite+aiosqlite:///unused.db", bench.bot_api.url)
    restarted = new_worker(
        settings,
        bench.store.engine,
        bench.keyring,
        bench.store,
        bench.worker.ruleset,
        bench.clock,
    )
    bench.workers.append(restarted)
    bench.clock.advance(timedelta(minutes=11))
    await restarted.drain()
    assert view.reference in only(bench.bot_api.chat(HEAD)).text


async def test_unknown_user_cannot_act_and_nothing_changes(bench: Bench) -> None:
    view = await bench.submit(immediate_danger=True)
    await bench.run()

    answer = await bench.press("ack", view.reference, user="666")
    await bench.run()

    assert answer == "You are not allowed to act on alerts."
    ping = only(bench.bot_api.chat(DESK))
    assert "waiting for acknowledgement" in ping.text
    assert (await bench.store.get_report(view.reference, actor="test")).status == "received"
    bench.clock.advance(timedelta(minutes=11))
    await bench.run()
    assert len(bench.bot_api.chat(HEAD)) == 1, "the chain goes on"


async def test_buttons_pressed_outside_a_staff_chat_are_refused(bench: Bench) -> None:
    view = await bench.submit(immediate_danger=True)
    await bench.run()
    ping = only(bench.bot_api.chat(DESK))
    answer = await bench.gateway.handle_staff_action(
        "telegram", "-777", "42", str(ping.message_id), ping.buttons[0]
    )
    assert answer == "You are not allowed to act on alerts."
    assert (await bench.store.get_report(view.reference, actor="test")).status == "received"


async def test_verify_and_dismiss_move_the_reports_and_are_audited(bench: Bench) -> None:
    first = await bench.submit(immediate_danger=True)
    await bench.run()
    assert await bench.press("verify", first.reference) == "Marked as verified."
    await bench.run()
    assert (await bench.store.get_report(first.reference, actor="test")).status == "verified"
    ping = only(bench.bot_api.chat(DESK))
    assert "Verified by Amina" in ping.text and ping.buttons == []

    second = await bench.submit(immediate_danger=True, lat=10.0, lon=2.0, admin_area="Elsewhere")
    await bench.run()
    assert await bench.press("dismiss", second.reference) == "Dismissed."
    assert (await bench.store.get_report(second.reference, actor="test")).status == "dismissed"
    async with bench.store.engine.connect() as connection:
        actors = (
            await connection.execute(select(AuditEntry.actor).where(AuditEntry.action == "status"))
        ).scalars()
        assert "staff:telegram:42" in set(actors)
