"""Routing on the NLU's whole reading: every category, its confidentiality, its triage."""

from __future__ import annotations

from tests.escalation.conftest import DESK, SEAH, Bench, only


async def test_a_confidential_reading_routes_confidentially_whatever_category_was_picked(
    bench: Bench,
) -> None:
    await bench.submit(
        category="property_destruction_looting",  # what the person picked
        categories=["sexual_violence", "property_destruction_looting"],  # what the NLU read
        confidential_reading=True,
    )
    await bench.run()
    assert bench.bot_api.chat(DESK) == []
    assert "Confidential report" in only(bench.bot_api.chat(SEAH)).text


async def test_a_secondary_category_decides_severity_and_rules(bench: Bench) -> None:
    view = await bench.submit(
        category="extortion_corruption",  # alone: medium, no rule matches
        categories=["extortion_corruption", "abduction_disappearance"],
        victims=1,
        affected_groups={},
    )
    assert view.severity == "high"
    assert view.categories == ("extortion_corruption", "abduction_disappearance")
    await bench.run()
    assert view.reference in only(bench.bot_api.chat(DESK)).text


async def test_a_message_read_as_not_an_incident_is_kept_but_not_escalated(bench: Bench) -> None:
    view = await bench.submit(relevant=False, relevance=0.1, immediate_danger=True)
    await bench.run()
    assert bench.bot_api.chat(DESK) == [] and bench.hooks.accepted == []
    stored = await bench.store.get_report(view.reference, actor="test")
    assert stored is not None and stored.relevant is False


async def test_staff_overruling_the_triage_escalates_the_report(bench: Bench) -> None:
    view = await bench.submit(relevant=False, relevance=0.1, immediate_danger=True)
    await bench.run()
    await bench.store.set_relevant(view.reference, True, actor="staff:1")
    await bench.run()
    assert view.reference in only(bench.bot_api.chat(DESK)).text
