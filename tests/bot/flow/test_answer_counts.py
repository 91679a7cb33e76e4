"""A well-told story needs at most five answers, in each of the six conversation languages.

What the NLU read with confidence (kind of incident, force, place, time, people) is confirmed
in one question; danger (with files invited) and sending (with consent) follow. Commands such
as /start are not answers.
"""

from __future__ import annotations

import pytest

from reports.storage import ReportStore
from tests.bot.conversation import Person
from tests.bot.flow.driver import answer_until_submitted

MAX_ANSWERS = 5
STORIES = {
    "en": "Soldiers beat three men with sticks at the market in Mopti yesterday evening",
    "fr": "Des militaires ont frappé trois hommes au marché de Mopti hier soir",
    "ar": "قام جنود بضرب ثلاثة رجال في سوق موبتي مساء أمس",
    "es": "Unos soldados golpearon a tres hombres con palos en el mercado de Mopti ayer por la "
    "tarde",
    "pt": "Soldados espancaram três homens com paus no mercado de Mopti ontem à noite",
    "sw": "Wanajeshi waliwapiga wanaume watatu kwa fimbo sokoni Mopti jana jioni",
}


async def _check_report(store: ReportStore, language: str, reference: str) -> None:
    [report] = await store.list_reports(actor="test")
    assert report.reference == reference
    assert report.language == language
    assert report.category == "physical_assault"
    assert report.perpetrator == "army"
    assert report.place == "Mopti" and report.country == "ML"
    assert report.affected_groups.get("men") == 3
    assert report.occurred_at is not None
    assert report.description == STORIES[language]


@pytest.mark.parametrize("language", sorted(STORIES))
async def test_a_story_told_first_needs_at_most_five_answers(
    person: Person, store: ReportStore, language: str
) -> None:
    await person.send(STORIES[language])
    assert person.last.language == language  # detected on the story, which is kept
    reference = await answer_until_submitted(person, {})
    assert person.answers <= MAX_ANSWERS, person.text()
    await _check_report(store, language, reference)


@pytest.mark.parametrize("language", sorted(STORIES))
async def test_a_story_after_choosing_the_language_needs_at_most_five_answers(
    person: Person, store: ReportStore, language: str
) -> None:
    await person.send("/start")
    await person.pick(f"lang:{language}")
    await person.send(STORIES[language])
    reference = await answer_until_submitted(person, {})
    assert person.answers <= MAX_ANSWERS, person.text()
    await _check_report(store, language, reference)


async def test_a_story_typed_at_the_language_menu_is_kept_in_its_language(
    person: Person, store: ReportStore
) -> None:
    """As in `tocsin shell` without --lang: the menu is shown, the person just tells."""
    await person.send("/start")
    assert person.step == "language"
    await person.send(STORIES["ar"])
    assert person.last.language == "ar" and person.step == "review"
    reference = await answer_until_submitted(person, {})
    await _check_report(store, "ar", reference)
