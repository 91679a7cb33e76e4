"""Whose forces a text names, and when they are foreign to its home."""

from __future__ import annotations

import pytest

from nlu.extraction.nationality import force_nationalities, is_foreign


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Turkish drones struck a village", {"TR"}),
        ("des soldats russes ont tué des bergers", {"RU"}),
        ("جنود روس قتلوا رعاة", {"RU"}),
        ("os soldados ruandeses espancaram pescadores", {"RW"}),
        ("the Rwandese soldiers beat fishermen", {"RW"}),
        ("KDF soldiers raided the camp", {"KE"}),
        ("police arrested Ugandan traders", set()),
    ],
)
def test_the_countries_whose_forces_a_text_names(text: str, countries: set[str]) -> None:
    assert force_nationalities(text) == countries


def test_a_force_is_foreign_to_another_home_only() -> None:
    assert is_foreign("Malian soldiers and Russian instructors", {"ML"})
    assert not is_foreign("Malian soldiers killed herders", {"ML"})
    assert is_foreign("Malian soldiers killed herders", {"BF"})


@pytest.mark.parametrize(
    ("text", "foreign"),
    [
        ("des soldats russes ont tué des bergers", True),
        ("los soldados rusos mataron a pastores", True),
        ("French soldiers shot at a car", True),
        # with no place, a partner country's own army may well be at home
        ("Malian soldiers killed herders", False),
        ("Kenyan police beat us", False),
    ],
)
def test_with_no_home_only_forces_never_at_home_are_foreign(text: str, foreign: bool) -> None:
    assert is_foreign(text, None) is foreign
