"""Chat phrases that name no place get no place; real places typed in lower case still do.

When the geotagger offers a wrong place, the flow asks the person to confirm a place they
never named: words of time, everyday nouns after a preposition, and common words that are
some hamlet's name must stay silent, in every language people write in.
"""

from __future__ import annotations

import pytest

from nlu import Nlu
from nlu.geo_time_words import time_words

NO_PLACE = [
    # en
    "soldiers came at dawn",
    "at dawn",
    "they arrested him in town",
    "police beat us near the market",
    "in the morning the army came",
    "the soldiers came at night and took my son",
    "soldiers came at noon and beat the elders",
    "they raided our compound at sunrise",
    "they took him to prison",
    "we fled into the forest near the river",
    "soldiers stopped us at the border",
    "they beat refugees in the camp",
    "soldiers in the bush shot at us",
    "my brother was taken at the checkpoint",
    "beaten outside the bakery",
    "he was taken to headquarters",
    "they came from the north",
    # fr
    "les soldats sont venus à midi",
    "à midi",
    "ce soir",
    "ils l'ont arrêté dans la brousse",
    "la police est venue ce soir",
    "les militaires sont arrivés au petit matin",
    "ils ont frappé mon frère au marché",
    "des hommes armés sont venus dans la nuit",
    "ils sont venus vers minuit",
    "ils l'ont emmené à la gendarmerie",
    "on l'a conduit au commissariat",
    "ils nous ont arrêtés au barrage",
    # ar
    "الجيش جاء في الصباح",
    "في الصباح",
    "الشرطة اعتقلت أخي في المساء",
    "جاء الجنود عند الفجر",
    "اقتحموا المنزل ليلا",
    "قتلوا رجلا في السوق",
    "ضربوه في الشارع",
    "اطلقوا النار قرب الحدود",
    # es
    "los soldados llegaron al amanecer",
    "por la mañana",
    "la policía vino por la tarde",
    "nos golpearon en la calle",
    "los militares entraron en el barrio",
    "la policía lo llevó a la comisaría",
    "se lo llevaron al cuartel",
    # pt
    "os soldados chegaram de madrugada",
    "de madrugada",
    "a polícia bateu em nós na rua",
    "eles vieram à noite",
    "a polícia levou ele para a delegacia",
    "eles invadiram a favela de madrugada",
    # sw
    "askari walikuja alfajiri",
    "usiku",
    "polisi walimpiga kaka yangu sokoni",
    "walikuja usiku wa manane",
    "wanajeshi walifika mchana",
    "askari walimpeleka kituoni",
    "walimkamata sokoni asubuhi",
    "polisi walikuja kambini",
    # an article is not "à": an everyday noun after it is no hamlet nor town
    "the police beat a football fan near the stadium and took his phone",
    "soldiers shot a bus driver and a trader",
    "il a fui la ville avec sa famille",
]


@pytest.mark.parametrize("text", NO_PLACE)
def test_chat_phrases_without_a_place_get_none(nlu: Nlu, text: str) -> None:
    assert nlu.geotag(text) == [], text


LOWER_CASE_PLACES = [
    ("soldiers in mopti", "Mopti", "ML"),
    ("the police beat us in nairobi", "Nairobi", "KE"),
    ("soldiers came at dawn to gao", "Gao", "ML"),
    ("à ouaga hier", "Ouagadougou", "BF"),
    ("les militaires ont tué deux hommes à djibo", "Djibo", "BF"),
    ("on nous a frappés à dori ce matin", "Dori", "BF"),
    ("les soldats sont venus à midi à kaya", "Kaya", "BF"),
    ("la police a tiré à abidjan", "Abidjan", "CI"),
    ("في حلب", "Aleppo", "SY"),
    ("الجيش قصف السوق في حلب", "Aleppo", "SY"),
    ("قصف الجيش بالموصل", "Mosul", "IQ"),
    ("la policía golpeó a los manifestantes en bogotá", "Bogotá", "CO"),
    ("os soldados queimaram casas em pemba", "Pemba", "MZ"),
    ("huko garissa", "Garissa", "KE"),
    ("askari walituvamia huko mombasa usiku", "Mombasa", "KE"),
    ("polisi walimpiga mtu katika kisumu", "Kisumu", "KE"),
    ("they attacked bobo dioulasso", "Bobo-Dioulasso", "BF"),
]


@pytest.mark.parametrize(("text", "name", "country"), LOWER_CASE_PLACES)
def test_real_places_typed_in_lower_case_are_found(
    nlu: Nlu, text: str, name: str, country: str
) -> None:
    places = nlu.geotag(text)
    assert places, text
    assert (places[0].name, places[0].country) == (name, country)


def test_words_of_time_never_match_even_capitalised(nlu: Nlu) -> None:
    assert nlu.geotag("Dawn raid on our village") == []
    assert nlu.geotag("Midi") == []
    assert {"dawn", "midi", "soir", "الصباح", "madrugada", "usiku"} <= time_words()


def test_a_capitalised_name_keeps_every_owner(nlu: Nlu) -> None:
    """Capitalised, a name may be a small village; in lower case, only notable places."""
    finder = nlu._geotagger.finder
    notable = nlu._geotagger.gazetteer.notable
    upper = finder.find("soldiers burned Boni")[0].owners
    lower = finder.find("soldiers burned houses in boni")[0].owners
    assert lower == [(e, f) for e, f in upper if notable[e]]
    assert len(lower) < len(upper)


def test_a_lone_lower_case_name_keeps_every_owner(nlu: Nlu) -> None:
    finder = nlu._geotagger.finder
    alone = finder.find("kaya")[0].owners
    upper = finder.find("Kaya")[0].owners
    assert alone == upper


@pytest.mark.parametrize(
    "text",
    [
        "Soldiers arrested Ibrahim Keita at the market",
        "Ibrahim Keita",
        "Colonel Kaya ordered the raid",
        "Des militaires ont frappé Moussa Tahoua devant chez lui",
    ],
)
def test_a_name_after_a_first_name_or_a_title_is_not_a_place(nlu: Nlu, text: str) -> None:
    assert nlu.geotag(text) == [], text


def test_places_after_a_preposition_or_in_a_longer_name_are_still_found(nlu: Nlu) -> None:
    assert [place.country for place in nlu.geotag("They beat us in Kaya")][:1] == ["BF"]
    assert [place.country for place in nlu.geotag("We fled to Ali Sabieh")][:1] == ["DJ"]


def test_a_comma_ends_a_persons_name(nlu: Nlu) -> None:
    """ "Issa" is a first name, but in "Ain Issa, Raqqa" the comma ends it: Raqqa is a city."""
    assert [place.country for place in nlu.geotag("Shelling hit Ain Issa, Raqqa.")][:1] == ["SY"]
    assert "SY" not in [place.country for place in nlu.geotag("They arrested Issa Raqqa")]


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Turkish forces shelled Ain Issa, Raqqa, wounding two civilians.", "SY"),
        ("A drone strike hit a car in Bir Ali, Shabwah.", "YE"),
        ("Israeli forces shelled Beit Hanoun.", "PS"),
        ("Gunmen attacked a checkpoint in Ain Defla.", "DZ"),
    ],
)
def test_an_arabic_name_the_gazetteer_lacks_is_not_read_word_by_word(
    nlu: Nlu, text: str, country: str
) -> None:
    """ "Ain" alone is a French département and "Ali" a town in India: the first word of an
    Arabic name ("Ain", "Bir", "Ras", "Beit") and the words after it name no place alone."""
    assert [place.country for place in nlu.geotag(text)][:1] == [country]


def test_a_preposition_in_lower_case_begins_no_place_name(nlu: Nlu) -> None:
    """ "in Salah al-Din" is Iraq's governorate, not Algeria's In Salah; "in In Salah" is."""
    assert _top_country(nlu, "Clashes were reported in Salah al-Din.") == "IQ"
    assert _top_country(nlu, "Militants attacked a checkpoint in In Salah.") == "DZ"


def _top_country(nlu: Nlu, text: str) -> str | None:
    places = nlu.geotag(text)
    return places[0].country if places else None


def test_a_prefix_in_lower_case_begins_no_arabic_name(nlu: Nlu) -> None:
    """ "tell" and "hay" are words too: only "Tell" or "Hay" in capitals begins a name."""
    assert _top_country(nlu, "they went to tell Djibo's mayor about the raid") == "BF"
