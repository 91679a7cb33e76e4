"""Cities by the short names their people use, regions by the spellings reports use
(nlu.place_nicknames)."""

from __future__ import annotations

import pytest

from nlu import Nlu
from nlu.gazetteer_build import read_admin_rows
from nlu.place_nicknames import ADMIN_NICKNAMES, NICKNAMES


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


@pytest.mark.parametrize(
    ("text", "language", "country", "area"),
    [
        ("RSF fighters looted a market in North Darfur.", "en", "SD", "Northern Darfur"),
        ("الدعم السريع هاجموا قرية في شمال دارفور", "ar", "SD", "Northern Darfur"),
        ("Al Shabaab attacked a base in Lower Shabelle region.", "en", "SO", "Lower Shabeelle"),
        ("Clashes were reported in Salah al-Din.", "en", "IQ", "Salah ad Din Governorate"),
        ("Houthi forces shelled a village in Hodeidah governorate.", "en", "YE", None),
        ("Fano militiamen attacked a bus in Oromia.", "en", "ET", "Oromiya"),
        ("Les FARDC ont tué des civils en Ituri.", "fr", "CD", None),
        ("Boko Haram abducted ten people in Extreme-Nord region.", "en", "CM", "Far North"),
        ("Des militaires ont arrêté des jeunes dans l'Extrême-Nord.", "fr", "CM", "Far North"),
    ],
)
def test_a_region_is_found_by_the_spelling_reports_use(
    shared_nlu: Nlu, text: str, language: str, country: str, area: str | None
) -> None:
    top = shared_nlu.geotag(text, language=language)[0]
    assert top.country == country
    if area is not None:
        assert top.name == area


def test_every_region_spelling_names_an_area_of_the_admin_table() -> None:
    """A key that no row of nlu/data/admin_names.tsv.gz carries would add its names nowhere."""
    areas = {(row.country, row.admin1) for row in read_admin_rows()}
    assert set(ADMIN_NICKNAMES) <= areas
