"""Mention finding: names inside elisions and possessives, multi-word names, cached words."""

from __future__ import annotations

from nlu import Nlu
from nlu.gazetteer_keys import key_of
from nlu.geo_mentions import MentionFinder


def _finder(nlu: Nlu) -> MentionFinder:
    return nlu._geotagger.finder


def _mentioned(nlu: Nlu, text: str) -> list[str]:
    return [m.words for m in _finder(nlu).find(text)]


def test_running_keys_of_longer_windows_match_the_index_keys(nlu: Nlu) -> None:
    finder = _finder(nlu)
    mention = finder.find("they burned the market of Bobo Dioulasso at night")[-1]
    assert mention.words == "Bobo Dioulasso"
    assert mention.owners == nlu._geotagger.gazetteer.lookup(key_of(["bobo", "dioulasso"]))


def test_elided_and_possessive_names_are_found(nlu: Nlu) -> None:
    assert _mentioned(nlu, "Les soldats sont arrivés près d'Abidjan") == ["d'Abidjan"]
    assert "Nairobi's" in _mentioned(nlu, "police raided Nairobi's markets")
    assert _mentioned(nlu, "il l'a dit") == []


def test_a_longer_name_after_an_elision_is_found(nlu: Nlu) -> None:
    """ "de l'Ouham-Pendé": the elided article sticks to the first word of a two-word name."""
    assert _mentioned(nlu, "les rebelles ont pillé des villages de l'Ouham-Pendé") == [
        "l'Ouham Pendé"
    ]
    assert _mentioned(nlu, "ils ont fui d'Abidjan") == ["d'Abidjan"]


def test_lower_case_words_need_a_cue(nlu: Nlu) -> None:
    assert _mentioned(nlu, "soldiers came to kaya yesterday") == ["kaya"]
    assert _mentioned(nlu, "they kaya") == ["kaya"]  # a short answer is read as a place


def test_arabic_clitics_are_removed(nlu: Nlu) -> None:
    mentions = _finder(nlu).find("قصف الجيش بالموصل")
    assert mentions and mentions[-1].words == "بالموصل"


def test_the_word_cache_gives_the_same_answer_twice(nlu: Nlu) -> None:
    text = "Des hommes armés ont attaqué Kaya (Sanmatenga, Centre-Nord)"
    first = [(m.start, m.size, m.owners) for m in _finder(nlu).find(text)]
    second = [(m.start, m.size, m.owners) for m in _finder(nlu).find(text)]
    assert first == second and len(first) == 3
