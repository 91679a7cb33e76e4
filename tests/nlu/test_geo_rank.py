"""Joint ranking: the places of one text cohere; brackets frame; countries scope."""

from __future__ import annotations

from nlu import Nlu
from nlu.gazetteer import distance_km

DOUENTZA = (15.0, -2.95)
GANZOURGOU = (12.2, -0.8)


def test_an_unknown_village_resolves_to_the_district_in_brackets(nlu: Nlu) -> None:
    places = nlu.geotag("men were abducted in Zzyxbogou (Ganzourgou, Plateau-Central)")
    assert places[0].country == "BF"
    assert distance_km(*GANZOURGOU, places[0].lat, places[0].lon) < 100


def test_brackets_beat_a_foreign_homonym_of_the_village(nlu: Nlu) -> None:
    """No Boni in the data for Mali: the district named in brackets answers."""
    places = nlu.geotag("des militaires ont enlevé un commerçant à Boni (Douentza, Mopti)")
    assert places[0].country == "ML"
    assert distance_km(*DOUENTZA, places[0].lat, places[0].lon) < 100


def test_the_place_ranks_before_the_areas_that_frame_it(nlu: Nlu) -> None:
    places = nlu.geotag("police shot a man in Kaya (Sanmatenga, Centre-Nord)")
    assert (places[0].name, places[0].country, places[0].precision) == ("Kaya", "BF", "place")
    assert {p.precision for p in places[1:3]} == {"admin"}


def test_a_named_country_outranks_a_bigger_homonym_elsewhere(nlu: Nlu) -> None:
    places = nlu.geotag("Kenyan police beat traders in Kisumu")
    assert (places[0].name, places[0].country) == ("Kisumu", "KE")
    assert places[-1].precision == "country"  # the frame comes after the place


def test_country_names_in_several_languages(nlu: Nlu) -> None:
    for text in (
        "La police a tiré sur la foule au Tchad",
        "الشرطة أطلقت النار في تشاد",
        "a polícia atirou na multidão no Chade",
    ):
        assert nlu.geotag(text)[0].country == "TD", text


def test_forces_alone_suggest_their_country_with_a_low_score(nlu: Nlu) -> None:
    places = nlu.geotag("the FAMa arrested three men")
    assert places and places[0].country == "ML" and places[0].precision == "country"
    assert places[0].score <= 0.3


def test_nothing_named_and_no_forces_gives_nothing(nlu: Nlu) -> None:
    assert nlu.geotag("they beat my brother yesterday") == []
