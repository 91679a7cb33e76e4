"""Cities by the short names their people use (nlu.place_nicknames)."""

from __future__ import annotations

import pytest

from nlu import Nlu
from nlu.place_nicknames import NICKNAMES


@pytest.mark.parametrize(
    ("text", "language", "geonameid"),
    [
        ("à Bobo les gendarmes ont frappé les commerçants", "fr", 2362344),
        ("gendarmes racket us on the road between Fada and Pama", "en", 2360886),
        ("police beat students at the university in Addis", "en", 344979),
        ("les policiers ont arrêté trois étudiants à Buja hier", "fr", 425378),
        ("les militaires ont tiré sur la foule à Ndjamena", "fr", 2427123),
    ],
)
def test_a_city_is_found_by_its_short_name(
    shared_nlu: Nlu, text: str, language: str, geonameid: int
) -> None:
    assert shared_nlu.geotag(text, language=language)[0].geonameid == geonameid


def test_every_short_name_is_shorter_than_a_sentence() -> None:
    """A nickname is a word or two: a longer one would be a description, not a name."""
    assert all(1 <= len(name.split()) <= 2 for names in NICKNAMES.values() for name in names)
