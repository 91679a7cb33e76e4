"""Clustering of duplicate reports, confidential (SEAH) routing, supported units, surges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from escalation.models import Alert
from reports.models import Report
from tests.escalation.conftest import DESK, HEAD, SEAH, Bench, only

NEARBY = {"lat": 14.49, "lon": -4.19}  # about 1 km from the first report


async def test_reports_of_one_incident_update_one_ping_instead_of_pinging_again(
    bench: Bench,
) -> None:
    first = await bench.submit()
    await bench.run()
    second = await bench.submit(**NEARBY, person="another witness")
    third = await bench.submit(**NEARBY, person="a third witness")
    await bench.run()

    ping = only(bench.bot_api.chat(DESK))
    assert first.reference in ping.text
    assert "Reports of this incident: 3" in ping.text
    assert second.reference in ping.text and third.reference in ping.text
    assert len(ping.edits) >= 1
    events = [body["event"] for body in bench.hooks.accepted]
    assert events[0] == "alert.created" and "alert.updated" in events[1:]
    assert bench.hooks.accepted[-1]["alert"]["report_count"] == 3


async def test_reports_far_apart_or_of_another_kind_stay_separate_incidents(bench: Bench) -> None:
    await bench.submit()
    await bench.submit(lat=12.65, lon=-8.0, admin_area="Bamako")  # about 500 km away
    await bench.submit(category="abduction_disappearance", **NEARBY)
    await bench.run()
    assert len(bench.bot_api.chat(DESK)) == 3


async def test_a_report_after_the_time_window_starts_a_new_incident(bench: Bench) -> None:
    await bench.submit(victims=1)  # high: the desk only, no chain
    await bench.run()
    bench.clock.advance(timedelta(hours=13))
    await bench.submit(victims=1, **NEARBY)
    await bench.run()
    assert len(bench.bot_api.chat(DESK)) == 2


async def test_three_minor_reports_of_one_incident_reach_the_desk_together(bench: Bench) -> None:
    minor = {"category": "extortion_corruption", "victims": 1, "affected_groups": {}}
    await bench.submit(**minor)
    await bench.submit(**minor, **NEARBY)
    await bench.run()
    assert bench.bot_api.chat(DESK) == [], "two medium reports match no rule"

    await bench.submit(**minor, **NEARBY)
    await bench.run()
    assert "Reports of this incident: 3" in only(bench.bot_api.chat(DESK)).text


async def test_sexual_violence_goes_only_to_confidential_recipients_with_minimal_detail(
    bench: Bench,
) -> None:
    view = await bench.submit(
        category="sexual_violence", affected_groups={"children": 1}, victims=1
    )
    await bench.run()
    bench.clock.advance(timedelta(hours=1))
    await bench.run()

    assert bench.bot_api.chat(DESK) == [] and bench.bot_api.chat(HEAD) == []
    assert bench.hooks.accepted == [] and bench.mails_to("head@example.org") == []
    ping = only(bench.bot_api.chat(SEAH))
    assert view.reference in ping.text and "Confidential report" in ping.text
    assert "Mopti" not in ping.text and "openstreetmap" not in ping.text
    mail = only(bench.mails_to("seah@example.org"))
    assert "Mopti" not in bench.smtp.parts(bench.smtp.received.index(mail))["text/plain"]


async def test_international_personnel_named_by_the_reporter_make_a_report_confidential(
    bench: Bench,
) -> None:
    await bench.submit(
        category="physical_assault",
        perpetrator="army",
        perpetrator_detail="two EUTM instructors with the soldiers",
        immediate_danger=True,
    )
    await bench.run()
    assert bench.bot_api.chat(DESK) == []
    assert "Confidential report" in only(bench.bot_api.chat(SEAH)).text


async def test_a_supported_unit_is_flagged_and_routed_by_its_rule(bench: Bench) -> None:
    view = await bench.submit(
        category="arbitrary_detention",
        victims=1,
        affected_groups={},
        perpetrator_detail="les militaires du 8E GTIA",
    )
    await bench.run()
    ping = only(bench.bot_api.chat(HEAD))
    assert view.reference in ping.text
    assert "Supported unit implicated: GTIA 8" in ping.text


@pytest.mark.parametrize(
    ("perpetrator_detail", "description"),
    [
        ("Soldiers", "Soldiers of the 8e GTIA took two men from the market"),
        ("GTIA-8", "They took two men from the market"),
        (None, "Soldiers of the 8e GTIA took two men from the market"),
    ],
    ids=["named in the description", "named as the monitor's who", "no perpetrator detail"],
)
async def test_a_supported_unit_is_found_wherever_the_reporter_names_it(
    bench: Bench, perpetrator_detail: str | None, description: str
) -> None:
    view = await bench.submit(
        category="arbitrary_detention",
        victims=2,
        affected_groups={},
        perpetrator_detail=perpetrator_detail,
        description=description,
    )
    await bench.run()
    ping = only(bench.bot_api.chat(HEAD))
    assert view.reference in ping.text
    assert "Supported unit implicated: GTIA 8" in ping.text


async def test_a_unit_is_not_matched_inside_a_longer_name(bench: Bench) -> None:
    await bench.submit(
        category="arbitrary_detention", victims=1, affected_groups={}, perpetrator_detail="GTIA 81"
    )
    await bench.run()
    assert bench.bot_api.chat(HEAD) == []


async def _age(bench: Bench, references: list[str], days: float) -> None:
    moment = bench.clock.now() - timedelta(days=days)
    async with bench.store.engine.begin() as connection:
        await connection.execute(
            update(Report).where(Report.reference.in_(references)).values(created_at=moment)
        )


async def test_a_sudden_rise_in_one_area_raises_a_surge_alert(bench: Bench) -> None:
    quiet = [
        (await bench.submit(category="threat_intimidation", lat=None, lon=None)).reference
        for _ in range(2)
    ]
    await _age(bench, quiet, days=7)  # two reports in the fortnight before: a quiet area
    await bench.run()
    for i in range(6):
        await bench.submit(
            category="threat_intimidation",
            victims=None,
            affected_groups={},
            lat=None,
            lon=None,
            place=f"village {i}",
            person=f"p{i}",
        )
    await bench.run()

    surges = [text for text in bench.texts(DESK) if "Surge of reports" in text]
    assert len(surges) == 1, bench.texts(DESK)
    assert bench.area in surges[0]
    async with bench.store.engine.connect() as connection:
        alert = (await connection.execute(select(Alert).where(Alert.kind == "surge"))).first()
    assert alert is not None and alert.report_count >= 5


async def test_a_busy_area_at_its_usual_rate_raises_no_surge(bench: Bench) -> None:
    usual = [
        (await bench.submit(category="threat_intimidation", lat=None, lon=None)).reference
        for _ in range(28)
    ]
    await _age(bench, usual, days=5)  # two a day for two weeks
    await bench.run()
    for i in range(5):
        await bench.submit(category="threat_intimidation", lat=None, lon=None, person=f"q{i}")
    await bench.run()
    assert not [text for text in bench.texts(DESK) if "Surge of reports" in text]


async def test_the_desk_cannot_act_on_a_confidential_alert_it_never_received(
    bench: Bench,
) -> None:
    view = await bench.submit(category="sexual_violence", victims=1, affected_groups={})
    await bench.run()
    ping = only(bench.bot_api.chat(SEAH))
    forged = ping.buttons[0]  # the confidential ping's "Acknowledge", sent from the desk
    answer = await bench.gateway.handle_staff_action("telegram", DESK, "42", "1", forged)
    assert answer == "You are not allowed to act on alerts."
    assert (await bench.store.get_report(view.reference, actor="test")).status == "received"
