"""`/template` and `/myreports`: what a monitor has that a community member does not."""

from __future__ import annotations

import pytest

from bot.engine import ConversationEngine
from reports.monitors import MonitorStore
from tests.bot.conversation import REFERENCE, Person
from tests.bot.monitors.conftest import invite_code, unique
from tests.bot.monitors.test_template_reports import own_reports, text_of

HASHTAGS = {
    "en": "#report",
    "fr": "#rapport",
    "ar": "#تقرير",
    "es": "#reporte",
    "pt": "#denuncia",
    "sw": "#ripoti",
}


async def monitor_speaking(
    engine: ConversationEngine, monitors: MonitorStore, language: str
) -> Person:
    person = Person(engine, sender_id=unique(language), language_hint=language)
    await person.send(f"/language {language}")
    await person.send(f"/monitor {await invite_code(monitors)}")
    return person


@pytest.mark.parametrize("language", ["en", "fr", "ar", "es", "pt", "sw"])
async def test_the_template_example_is_itself_a_valid_report(
    engine: ConversationEngine, monitors: MonitorStore, language: str
) -> None:
    person = await monitor_speaking(engine, monitors, language)
    guide = text_of(await person.send("/template"))
    example = next(part for part in guide.split("\n\n") if part.startswith(HASHTAGS[language]))
    reply = text_of(await person.send(example))
    assert REFERENCE.search(reply), reply
    [view] = await own_reports(person)
    assert (view.category, view.place, view.perpetrator) == (
        "arbitrary_detention",
        "Gao",
        "gendarmerie",
    )
    assert view.language == language


async def test_the_template_lists_every_key_and_category(monitor: Person) -> None:
    guide = text_of(await monitor.send("/template"))
    for word in ("what:", "who:", "where:", "when:", "victims:", "danger:", "source:", "text:"):
        assert word in guide
    assert "arbitrary_detention" in guide and "---" in guide


async def test_my_reports_lists_reference_category_place_and_status(monitor: Person) -> None:
    await monitor.send("#report what: killing; where: Mopti")
    await monitor.send("#report what: arrest; where: Gao")
    lines = text_of(await monitor.send("/myreports")).splitlines()
    assert len(lines) == 2
    assert "Arrest or detention, Gao. Status: received." in lines[0]
    assert "Killing or wounding, Mopti." in lines[1]
    assert all(REFERENCE.search(line) for line in lines)


async def test_my_reports_with_no_report_says_so(monitor: Person) -> None:
    assert "not sent any report" in text_of(await monitor.send("/myreports"))


async def test_monitor_commands_are_refused_to_community_members(community: Person) -> None:
    for command in ("/template", "/myreports"):
        assert "/monitor" in text_of(await community.send(command))


async def test_a_monitor_can_still_use_the_guided_conversation(monitor: Person) -> None:
    replies = await monitor.send("Soldiers beat three men with sticks at the market in Mopti")
    assert replies[-1].step is not None
