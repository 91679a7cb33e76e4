"""A whole community report through the engine, in English, French and Arabic."""

from __future__ import annotations

import pytest

from reports.storage import ReportStore
from tests.bot.conversation import Person
from tests.bot.flow.driver import answer_until, answer_until_submitted

STORIES = {
    "en": "Soldiers beat three men with sticks at the market in Mopti yesterday evening",
    "fr": "Des militaires ont frappé trois hommes au marché de Mopti hier soir",
    "ar": "قام جنود بضرب ثلاثة رجال في سوق موبتي مساء أمس",
}


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
async def test_a_well_read_report_takes_at_most_eight_answers(
    person: Person, store: ReportStore, language: str
) -> None:
    await person.send("/start")
    assert person.step == "language"
    await person.pick(f"lang:{language}")
    assert person.step == "describe"
    await person.send(STORIES[language])
    reference = await answer_until_submitted(person, {})
    assert person.answers <= 8, person.text()
    [report] = await store.list_reports(actor="test")
    assert report.reference == reference
    assert report.language == language
    assert report.category == "physical_assault"
    assert report.perpetrator == "army"
    assert report.place == "Mopti" and report.country == "ML"
    assert report.lat == pytest.approx(14.49, abs=0.2)
    assert report.affected_groups.get("men") == 3
    assert report.description == STORIES[language]
    assert report.occurred_at is not None
    if language == "ar":
        assert person.last.right_to_left


async def test_first_message_can_be_the_story_itself(person: Person, store: ReportStore) -> None:
    await person.send("Des gendarmes ont arrêté mon frère à Ouagadougou hier")
    assert person.last.language == "fr"
    assert person.step == "review"  # the reading is confirmed in one question
    await answer_until_submitted(person, {})
    [report] = await store.list_reports(actor="test")
    assert report.category == "arbitrary_detention"
    assert report.language == "fr"


async def test_channel_language_hint_is_used_when_nothing_else_is_known(
    engine: object, store: ReportStore
) -> None:
    person = Person(engine, language_hint="ar")
    await person.send("/start")
    assert person.last.language == "ar"
    assert person.step == "describe"


async def test_person_can_reject_the_reading_and_pick_the_category(
    person: Person, store: ReportStore
) -> None:
    await person.send("/start")
    await person.pick("lang:en")
    await person.send("Police officers came to our house in Kayes last night and took our goats")
    assert person.step in ("review", "category")
    if person.step == "review":  # "I understood: …": the kind of incident is what is wrong
        await person.pick("no")
        await person.pick("fix:category")
    if [c.id for c in person.last.choices] == ["yes", "no"]:
        await person.pick("no")
    assert any(c.id == "cat:extortion_corruption" for c in person.last.choices)
    await person.pick("cat:property_destruction_looting")
    await answer_until_submitted(person, {})
    [report] = await store.list_reports(actor="test")
    assert report.category == "property_destruction_looting"
    assert report.category_confidence == 1.0


async def test_summary_lets_the_person_change_an_answer(person: Person, store: ReportStore) -> None:
    await person.send("/start")
    await person.pick("lang:en")
    await person.send("Soldiers shot two herders near Djibo this morning")
    await answer_until(person, "summary")
    await person.pick("change")
    await person.pick("edit:danger")
    assert person.step == "danger"
    await person.pick("yes")
    assert person.step == "summary"
    await person.pick("send")
    assert person.reference()
    [report] = await store.list_reports(actor="test")
    assert report.immediate_danger is True
    assert report.severity == "critical"


async def test_cancel_in_the_summary_stores_nothing(person: Person, store: ReportStore) -> None:
    await person.send("/start")
    await person.pick("lang:en")
    await person.send("Militia men threatened our village chief in Bankass")
    await answer_until(person, "summary")
    await person.pick("cancel")
    assert "cancelled" in person.last.text
    assert await store.list_reports(actor="test") == []


async def test_consent_keeps_a_sealed_contact_and_anonymity_keeps_none(
    engine: object, store: ReportStore
) -> None:
    for sender, consent in (("consenting", "contact"), ("anonymous", "anonymous")):
        person = Person(engine, sender_id=sender)
        await person.send("/start")
        await person.pick("lang:en")
        await person.send("Police beat a journalist at the checkpoint in Gao today")
        reference = await answer_until_submitted(person, {"contact": ("choice", consent)})
        contact = await store.contact_of(reference, actor="test")
        if consent == "contact":
            assert contact == ("test", f"test:{sender}")
        else:
            assert contact is None
