"""Places from bare answers and sentences, ranked by context; pins to the nearest place."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import Nlu
from nlu.gazetteer import distance_km, within_one_edit
from nlu.language_countries import SPOKEN_IN

MOPTI = (14.49, -4.19)
OUAGADOUGOU = (12.37, -1.53)


def _top(nlu: Nlu, text: str, **kwargs: object) -> tuple[str, str | None]:
    places = nlu.geotag(text, **kwargs)  # type: ignore[arg-type]
    assert places, text
    return places[0].name, places[0].country


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("mopti", "Mopti", "ML"),
        ("Ouaga", "Ouagadougou", "BF"),
        ("Mpoti", "Mopti", "ML"),
        ("niamey", "Niamey", "NE"),
        ("حلب", "Aleppo", "SY"),
        ("بالموصل", "Mosul", "IQ"),
    ],
)
def test_bare_place_answers(nlu: Nlu, text: str, name: str, country: str) -> None:
    assert _top(nlu, text) == (name, country)


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("the soldiers beat us in mopti yesterday", "Mopti", "ML"),
        ("Les gendarmes ont arrêté 3 hommes à Kaya hier", "Kaya", "BF"),
        ("الجيش قصف السوق في حلب", "Aleppo", "SY"),
        ("askari walituvamia huko Garissa jana", "Garissa", "KE"),
        ("police killed a protester in Nairobi, Kenya", "Nairobi", "KE"),
    ],
)
def test_places_in_sentences(nlu: Nlu, text: str, name: str, country: str) -> None:
    assert _top(nlu, text) == (name, country)


def test_everyday_words_are_not_read_as_places(nlu: Nlu) -> None:
    assert nlu.geotag("The police came in May and said they will kill us") == []


def test_admin_context_picks_the_right_homonym(nlu: Nlu) -> None:
    """Several places are called Kaya; the region named in the text decides."""
    places = nlu.geotag("soldiers burned houses in Kaya (Centre-Nord region)")
    assert (places[0].name, places[0].country, places[0].admin1) == ("Kaya", "BF", "Centre-Nord")


def test_an_unknown_village_falls_back_to_its_region(nlu: Nlu) -> None:
    places = nlu.geotag("men were abducted in Zzyxbogou village (Mopti region)")
    assert places[0].precision == "admin" and places[0].country == "ML"


def test_nearness_to_an_earlier_pin_breaks_ties(nlu: Nlu) -> None:
    far = nlu.geotag("San Pedro", limit=5)
    near_abidjan = nlu.geotag("San Pedro", near=(5.35, -4.0), limit=5)
    assert near_abidjan[0].country == "CI"
    assert len({p.country for p in far}) > 1  # ambiguous without a pin: several candidates


def test_scores_are_probabilities_best_first(nlu: Nlu) -> None:
    places = nlu.geotag("Tombouctou")
    assert all(0.0 <= p.score <= 1.0 for p in places)
    assert [p.score for p in places] == sorted((p.score for p in places), reverse=True)


def test_reverse_geocode_finds_the_nearest_place_with_its_region(nlu: Nlu) -> None:
    place = nlu.reverse_geocode(*MOPTI)
    assert place is not None
    assert (place.name, place.country, place.admin1) == ("Mopti", "ML", "Mopti")
    assert distance_km(*MOPTI, place.lat, place.lon) < 10


def test_reverse_geocode_refuses_impossible_coordinates(nlu: Nlu) -> None:
    assert nlu.reverse_geocode(123.0, 500.0) is None


def test_one_edit_distance() -> None:
    assert within_one_edit("mopti", "mpoti")
    assert within_one_edit("bamako", "bamak")
    assert not within_one_edit("bamako", "dakar")


@pytest.fixture(scope="module")
def scoped_nlu(nlu_cache_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Nlu:
    """A deployment scoped to Mali and Burkina Faso, with one village of its own."""
    tsv = tmp_path_factory.mktemp("gazetteer") / "villages.tsv"
    row = [
        "990001",
        "Dialloubé-Sare",
        "Dialloube-Sare",
        "Dialloube Sare,Sare Dialloube",
        "14.5012",
        "-4.0521",
        "P",
        "PPL",
        "ML",
        "",
        "04",
        "",
        "",
        "",
        "350",
        "",
        "280",
        "Africa/Bamako",
        "2024-01-01",
    ]
    tsv.write_text("\t".join(row) + "\n", encoding="utf-8")
    return Nlu(countries=["ML", "BF"], cache_dir=nlu_cache_dir, extra_gazetteer=tsv)


def test_country_scope_keeps_places_of_the_deployment(scoped_nlu: Nlu) -> None:
    assert _top(scoped_nlu, "Kaya") == ("Kaya", "BF")
    assert all(p.country in {"ML", "BF"} for p in scoped_nlu.geotag("San Pedro"))


def test_a_deployment_gazetteer_adds_villages(scoped_nlu: Nlu) -> None:
    places = scoped_nlu.geotag("les militaires ont brûlé Sare Dialloube hier")
    assert places[0].name == "Dialloubé-Sare"
    assert places[0].geonameid == 990001


def test_a_deployment_village_is_found_in_lower_case(scoped_nlu: Nlu) -> None:
    """The deployment's own villages are notable whatever their population."""
    places = scoped_nlu.geotag("les militaires ont brûlé des cases à sare dialloube")
    assert places and places[0].geonameid == 990001


def test_named_forces_hint_at_the_country(nlu: Nlu) -> None:
    """Several places are called Kaya; "Koglweogo" operate in Burkina Faso."""
    assert _top(nlu, "les Koglweogo ont frappé des éleveurs à Kaya") == ("Kaya", "BF")
    far = nlu.geotag("les FAMa ont arrêté des hommes à Boni")
    assert all(p.score < 0.5 for p in far)  # no Boni in Mali here: nothing sure to offer


def test_demonyms_and_translated_country_names_frame_the_text(nlu: Nlu) -> None:
    assert _top(nlu, "l'armée malienne a tué des civils à Boni") != ("Bonn", "DE")
    assert nlu.geotag("الجيش السوري قصف حلب")[0].country == "SY"


def test_the_texts_language_hints_at_the_countries_that_speak_it(nlu: Nlu) -> None:
    """Palma in a Portuguese text is a Lusophone town, not Majorca's capital; English hints at
    no country, so the largest Palma stands."""
    portuguese = nlu.geotag("os insurgentes atacaram Palma ontem", language="pt")
    assert portuguese[0].country in SPOKEN_IN["pt"]
    assert nlu.geotag("insurgents attacked Palma yesterday", language="en")[0].country == "ES"


def test_a_language_hint_does_not_move_a_place_named_in_another_country(nlu: Nlu) -> None:
    assert _top(nlu, "هاجم مسلحون قرية قرب غاو", language="ar")[1] == "ML"
    assert nlu.geotag("la police a arrêté des étudiants à Nairobi", language="fr")[0].country == (
        "KE"
    )
