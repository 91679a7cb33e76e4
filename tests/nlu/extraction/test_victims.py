"""Affected groups and counts, from digits and number words in each language."""

from __future__ import annotations

import pytest

from nlu import Nlu


@pytest.mark.parametrize(
    ("text", "groups", "total"),
    [
        ("3 women, 2 children", {"women": 3, "children": 2}, 5),
        ("they arrested trois hommes", {"men": 3}, 3),
        ("قتلوا ثلاثة أطفال", {"children": 3}, 3),
        ("watoto watatu waliuawa", {"children": 3}, 3),
        ("dos mujeres y cuatro niños", {"women": 2, "children": 4}, 6),
        ("duas mulheres feridas", {"women": 2}, 2),
        ("vingt-trois civils tués", {}, 23),
        ("soldiers killed 5 people including 2 women", {"women": 2}, 5),
        ("they beat a journalist", {"journalist_hrd": None}, None),
        ("12 dead and many wounded", {}, 12),
        ("٤ نساء", {"women": 4}, 4),
        ("ثلاثة رجال وطفل", {"men": 3, "children": 1}, 4),
        ("three men and a child", {"men": 3, "children": 1}, 4),
        ("deux femmes et un enfant", {"women": 2, "children": 1}, 3),
        ("a man and a child", {"men": None, "children": None}, None),
    ],
)
def test_groups_and_totals(nlu: Nlu, text: str, groups: dict, total: int | None) -> None:
    reading = nlu.parse_victims(text)
    assert reading.groups == groups
    assert reading.total == total


def test_nothing_countable(nlu: Nlu) -> None:
    reading = nlu.parse_victims("they came to the market")
    assert reading.groups == {} and reading.total is None


def test_refugees_and_the_elderly_are_groups(nlu: Nlu) -> None:
    groups = nlu.parse_victims("two elderly refugees were beaten").groups
    assert set(groups) == {"elderly", "refugee_idp"}
