"""National forces point at their country; places that agree on one country win together."""

from __future__ import annotations

from nlu import Nlu
from nlu.force_countries import force_countries, is_force_acronym
from nlu.geo_mentions import WORD
from nlu.text import fold


def countries_of(text: str) -> set[str]:
    originals = WORD.findall(text)
    return force_countries(originals, [fold(word) for word in originals])


def test_national_force_names_imply_their_country() -> None:
    assert countries_of("les FAMa ont arrêté deux hommes") == {"ML"}
    assert countries_of("the FAN arrested three men") == {"NE"}
    assert countries_of("des éléments des FDS") == {"BF", "NE"}
    assert countries_of("GSU officers beat traders") == {"KE"}
    assert countries_of("les Forces armées nigériennes ont riposté") == {"NE"}
    assert countries_of("الحشد الشعبي") == {"IQ"}


def test_acronyms_count_only_as_written() -> None:
    """In lower case "fan", "ant" and "saf" are words, not forces."""
    assert countries_of("a football fan was beaten, an ant bit him") == set()
    assert is_force_acronym("FAN") and not is_force_acronym("fan")


def test_a_named_force_picks_its_country_among_homonyms(nlu: Nlu) -> None:
    """Bermo is a larger town in India than in Niger: Niger's army decides."""
    assert nlu.geotag("soldiers killed two herders in Bermo")[0].country == "IN"
    for text in (
        "FAN soldiers killed two herders in Bermo",
        "des militaires des FAN ont tué deux bergers à Bermo",
    ):
        places = nlu.geotag(text)
        assert (places[0].name, places[0].country) == ("Bermo", "NE"), text


def test_a_force_acronym_is_not_read_as_a_place(nlu: Nlu) -> None:
    places = nlu.geotag("the FAN arrested three men")
    assert [(p.country, p.precision) for p in places] == [("NE", "country")]
    assert places[0].score <= 0.3


def test_a_place_only_abroad_ranks_after_the_forces_country(nlu: Nlu) -> None:
    """No Boni of Mali in the shipped data: the FAMa's country is offered before a foreign
    homonym, with a low score so that the flow asks."""
    places = nlu.geotag("FAMa soldiers killed herders in Boni")
    assert (places[0].country, places[0].precision) == ("ML", "country")
    assert nlu.geotag("soldiers killed herders in Boni")[0].country != "ML"


def test_a_named_country_outranks_the_forces_hint(nlu: Nlu) -> None:
    """Kenya's GSU named in a story told in Uganda stays in Uganda."""
    places = nlu.geotag("GSU officers crossed into Uganda and beat traders in Busia, Uganda")
    assert places[0].country == "UG"


def test_places_that_agree_on_one_country_win_together(nlu: Nlu) -> None:
    """Bermo alone is the Indian town; named with Tillia, both are read in Niger, and the
    homonym abroad falls far behind."""
    places = nlu.geotag("soldiers killed herders in Bermo and Tillia")
    assert [(p.name, p.country) for p in places[:2]] == [("Bermo", "NE"), ("Tillia", "NE")]
    assert all(p.score < 0.05 for p in places[2:])
