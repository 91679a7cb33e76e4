"""Ambiguous places offered by name and kind, counts read and shown with plural forms, and
time shown at the precision it was told."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.flow.counts import read_count
from bot.flow.moments import format_when
from locales.i18n import Translator
from locales.labels import describe_groups
from tests.bot.conversation import Person


async def test_an_ambiguous_place_in_the_story_offers_its_candidates_told_apart(
    person: Person,
) -> None:
    await person.send("/start")
    await person.pick("lang:en")
    await person.send("Soldiers beat two men at the market in Gao yesterday evening")
    assert person.step == "review"
    assert "Gao" not in person.last.text  # an unsure place is not confirmed with the rest
    await person.pick("yes")
    assert person.step == "place"
    labels = [choice.label for choice in person.last.choices if choice.id.startswith("place:")]
    assert len(labels) >= 3 and len(set(labels)) == len(labels), labels
    assert "Gao (region), Mali" in labels
    assert any("Burkina Faso" in label for label in labels)
    assert "Gao (town), Mali" in labels


def test_a_number_is_a_count_and_relatives_are_people() -> None:
    assert read_count("12").total == 12
    assert read_count("٣").total == 3
    my_brother = read_count("my brother")
    assert (my_brother.total, my_brother.groups) == (1, {"men": 1})
    assert read_count("mon oncle et deux voisins").total == 3
    assert read_count("une dizaine de personnes").total == 10
    assert read_count("mjomba na jirani wawili").total == 3
    assert read_count("beaucoup").vague
    assert read_count("hello there") is None


def test_counts_are_shown_with_the_plural_forms_of_each_language() -> None:
    assert describe_groups({"men": 1}, 1, Translator("en")) == "1 man"
    assert describe_groups({"men": 3}, 3, Translator("en")) == "3 men"
    assert describe_groups({}, 12, Translator("fr")) == "12 personnes"
    assert describe_groups({"women": 1}, 1, Translator("es")) == "1 mujer"
    assert describe_groups({"children": 2}, 2, Translator("ar")) == "طفلان"
    assert describe_groups({"men": 3}, 3, Translator("sw")) == "wanaume 3"


def test_time_is_shown_at_the_precision_it_was_told() -> None:
    moment = datetime(2026, 11, 25, 19, 0, tzinfo=UTC).isoformat()
    english = Translator("en")
    assert format_when(moment, "week", english) == "the week of November 23"
    assert format_when(moment, "month", english) == "November 2026"
    assert format_when(moment, "part_of_day", english) == "November 25, 2026, in the evening"
    assert format_when(moment, "day", english) == "November 25, 2026"
    assert format_when(moment, "month", Translator("fr")) == "novembre 2026"
