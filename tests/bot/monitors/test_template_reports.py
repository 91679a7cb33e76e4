"""A monitor's `#report` message is a whole report: stored at once, or refused line by line."""

from __future__ import annotations

import re

import pytest

from bot.engine import ConversationEngine
from reports.monitors import MonitorStore
from reports.records import ReportView
from tests.bot.conversation import REFERENCE, Person
from tests.bot.monitors.conftest import invite_code, unique


async def own_reports(person: Person) -> list[ReportView]:
    keyring = person.services.keyring
    return await person.services.store.list_own(
        keyring.pseudonyms(person.channel, person.sender_id), limit=100
    )


def text_of(replies: list) -> str:
    return "\n".join(reply.text for reply in replies)


ONE_LINE = {
    "en": "#report what: arrest; where: Gao; when: yesterday 18:00; who: gendarmes; "
    "victims: 3 men, 1 child; danger: no; source: B2; text: taken from the market",
    "fr": "#rapport quoi: arrestation; où: Gao; quand: hier 18:00; qui: gendarmes; "
    "victimes: 3 hommes, 1 enfant; danger: non; source: B2; texte: enlevés au marché",
    "ar": "#تقرير ماذا: اعتقال؛ أين: غاو؛ متى: أمس 18:00؛ من: الدرك؛ "
    "الضحايا: ثلاثة رجال وطفل واحد؛ خطر: لا؛ المصدر: B2؛ النص: أخذوا من السوق",
}


def several_lines(one_line: str) -> str:
    hashtag, _space, fields = one_line.partition(" ")
    return "\n".join([hashtag, *re.split(r"\s*[;؛]\s*", fields)])


def assert_stored_as_written(view: ReportView, language: str) -> None:
    assert view.reporter_role == "monitor"
    assert view.organisation == "Sahel Watch"
    assert view.language == language
    assert view.category == "arbitrary_detention"
    assert view.perpetrator == "gendarmerie"
    assert (view.place, view.country) == ("Gao", "ML")
    assert view.lat is not None and view.lon is not None
    assert view.occurred_at is not None and view.occurred_at.hour == 18
    assert view.affected_groups.get("men") == 3
    assert view.victims == 4
    assert view.immediate_danger is False
    assert (view.source_reliability, view.info_credibility) == ("B", "2")
    assert view.description


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
@pytest.mark.parametrize("layout", ["one line", "several lines"])
async def test_a_template_is_stored_with_every_field_read(
    monitor: Person, language: str, layout: str
) -> None:
    message = ONE_LINE[language] if layout == "one line" else several_lines(ONE_LINE[language])
    replies = await monitor.send(message)
    reference = REFERENCE.search(text_of(replies))
    assert reference, text_of(replies)
    [view] = await own_reports(monitor)
    assert view.reference == reference.group()
    assert_stored_as_written(view, language)


async def test_the_reply_sums_up_how_each_field_was_read(monitor: Person) -> None:
    reply = text_of(await monitor.send(ONE_LINE["en"]))
    assert "Arrest or detention" in reply
    assert "Gendarmerie" in reply
    assert "Gao" in reply and "Mali" in reply
    assert "B2" in reply
    assert len(reply.splitlines()) == 1


async def test_the_text_keeps_semicolons_and_later_lines(monitor: Person) -> None:
    await monitor.send(
        "#report what: killing; where: Mopti\n"
        "text: they came at dawn; they shot two herders\n"
        "then they left: towards the river"
    )
    [view] = await own_reports(monitor)
    assert view.description == (
        "they came at dawn; they shot two herders\nthen they left: towards the river"
    )


async def test_coordinates_are_kept_exactly(monitor: Person) -> None:
    await monitor.send("#report what: killing; where: 14.4843, -4.1830")
    [view] = await own_reports(monitor)
    assert (view.lat, view.lon) == (14.4843, -4.183)
    assert view.place == "Mopti"
    assert view.location_source == "pin"


async def test_without_a_grading_a_monitor_report_is_unrated(monitor: Person) -> None:
    await monitor.send("#report what: killing; where: Mopti")
    [view] = await own_reports(monitor)
    assert (view.source_reliability, view.info_credibility) == (None, None)


@pytest.mark.parametrize(
    ("faulty_line", "why"),
    [
        ("wher: Mopti", "not a key of the template"),
        ("just some words", "not “key: value”"),
        ("where: Xyzzyqwv", "not on the map"),
        ("when: the day of the big noise", "no date or time"),
        ("when: 2099-01-01", "in the future"),
        ("victims: many", "no number of victims"),
        ("danger: perhaps", "yes or no"),
        ("source: Z9", "not a grading"),
        ("who:", "has no value"),
        ("what: hello there", "kind of incident"),
    ],
)
async def test_each_faulty_line_is_named_and_nothing_is_stored(
    monitor: Person, faulty_line: str, why: str
) -> None:
    whole = {"what": "what: killing", "where": "where: Mopti"}
    whole.pop(faulty_line.split(":")[0], None)
    message = "\n".join(["#report", *whole.values(), faulty_line])
    reply = text_of(await monitor.send(message))
    assert "Nothing was stored" in reply
    assert why in reply
    assert f"line {message.splitlines().index(faulty_line) + 1}" in reply
    assert await own_reports(monitor) == []


async def test_one_reply_names_every_fault_including_missing_keys(monitor: Person) -> None:
    reply = text_of(await monitor.send("#report who: police; source: Q; danger: maybe"))
    assert "there is no “what:” line" in reply
    assert "there is no “where:” line" in reply
    assert "not a grading" in reply
    assert "yes or no" in reply
    assert len(await monitor.send("#report who: police; source: Q; danger: maybe")) == 1
    assert await own_reports(monitor) == []


async def test_a_key_given_twice_is_a_fault(monitor: Person) -> None:
    reply = text_of(await monitor.send("#report what: killing; where: Mopti; where: Gao"))
    assert "given twice" in reply
    assert await own_reports(monitor) == []


async def test_a_batch_separated_by_dashes_stores_every_report(monitor: Person) -> None:
    reply = text_of(
        await monitor.send(
            "#report\nwhat: killing\nwhere: Mopti\n---\n"
            "#rapport\nquoi: pillage\noù: Gao\n---\n"
            "what: arrest\nwhere: Bamako\n---\n"
        )
    )
    assert len(REFERENCE.findall(reply)) == 3
    views = await own_reports(monitor)
    assert sorted(view.place for view in views) == ["Bamako", "Gao", "Mopti"]
    assert {view.language for view in views} == {"en", "fr"}


async def test_one_faulty_report_in_a_batch_stores_none_of_them(monitor: Person) -> None:
    reply = text_of(await monitor.send("#report\nwhat: killing\nwhere: Mopti\n---\nwhat: arrest\n"))
    assert "report 2: there is no “where:” line" in reply
    assert REFERENCE.search(reply) is None
    assert await own_reports(monitor) == []


async def test_a_community_member_is_told_templates_are_for_monitors(
    community: Person,
) -> None:
    reply = text_of(await community.send("#report what: killing; where: Mopti"))
    assert "/monitor" in reply
    assert await own_reports(community) == []


async def test_a_hashtag_that_is_not_a_template_goes_to_the_flow(community: Person) -> None:
    replies = await community.send("#help soldiers beat my brother in Mopti")
    assert "monitor" not in text_of(replies)


async def test_a_template_sent_during_a_guided_report_asks_the_question_again(
    monitor: Person,
) -> None:
    await monitor.send("Soldiers beat three men with sticks at the market in Mopti")
    step = monitor.step
    replies = await monitor.send("#report what: killing; where: Mopti")
    assert REFERENCE.search(replies[0].text)
    assert replies[-1].step == step


async def test_guided_reports_of_a_monitor_carry_the_organisation(
    engine: ConversationEngine, monitors: MonitorStore
) -> None:
    person = Person(engine, sender_id=unique("monitor"))
    await person.send(f"/monitor {await invite_code(monitors, 'Réseau Paix')}")
    role, organisation = await engine.services.reporter_profile(
        engine.services.keyring.pseudonym(person.channel, person.sender_id)
    )
    assert (role, organisation) == ("monitor", "Réseau Paix")
