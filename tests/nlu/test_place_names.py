"""Place names in the person's language, for the conversation to show a found place."""

from __future__ import annotations

from nlu import Nlu


def _first(nlu: Nlu, text: str):
    return nlu.geotag(text)[0]


def test_arabic_names_of_a_town_come_from_the_shipped_data(shared_nlu: Nlu) -> None:
    timbuktu = _first(shared_nlu, "Timbuktu")
    assert "تمبكتو" in shared_nlu.place_names(timbuktu, "ar")


def test_persian_and_urdu_spellings_are_not_offered_as_arabic(shared_nlu: Nlu) -> None:
    names = shared_nlu.place_names(_first(shared_nlu, "Ouagadougou"), "ar")
    assert names and all("ی" not in n and "گ" not in n and "ک" not in n for n in names)


def test_a_country_is_named_in_each_shipped_language(shared_nlu: Nlu) -> None:
    chad = _first(shared_nlu, "Chad")
    assert shared_nlu.place_names(chad, "fr") == ["Tchad"]
    assert shared_nlu.place_names(chad, "ar") == ["تشاد"]
    assert shared_nlu.place_names(chad, "sw") == ["Chadi"]


def test_an_unknown_language_or_place_has_no_names(shared_nlu: Nlu) -> None:
    assert shared_nlu.place_names(_first(shared_nlu, "Bamako"), "fr") == []
    pin = shared_nlu.reverse_geocode(12.65, -8.0)
    assert pin is not None
    assert shared_nlu.place_names(pin, "xx") == []
