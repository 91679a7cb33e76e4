"""Word lists built from the training data: common words are kept per language."""

from __future__ import annotations

from pathlib import Path

from nlu import Nlu
from nlu.models import load_common_words


def test_common_words_are_kept_by_language(tmp_path: Path) -> None:
    words = load_common_words(tmp_path)
    assert {"", "en", "fr", "ar", "pt"} <= set(words)
    assert "the" in words[""] and "dans" in words[""]  # function words count everywhere
    assert "matam" in words["pt"]  # "they kill", written in the Portuguese examples
    assert "matam" not in words["fr"] and "matam" not in words[""]
    assert load_common_words(tmp_path) == words  # the cached copy reads back the same


def test_a_word_common_in_one_language_is_still_a_town_in_another(shared_nlu: Nlu) -> None:
    [matam, *_] = shared_nlu.geotag("Les soldats ont tué deux bergers à Matam", language="fr")
    assert (matam.name, matam.country) == ("Matam", "SN")
    assert shared_nlu.geotag("disseram que se falarmos nos matam", language="pt") == []
    # language unknown: every language's common words stay out, as before
    assert shared_nlu.geotag("disseram que se falarmos nos matam") == []


def test_a_town_in_the_name_of_a_force_is_still_a_town(tmp_path: Path) -> None:
    """One-word actor names ("gendarmes", "militiamen") are never places alone; the words of a
    longer name are ("Mombasa" of the Mombasa Republican Council, "Pyu" of Pyu Saw Htee)."""
    words = load_common_words(tmp_path)[""]
    assert {"gendarmes", "militiamen", "koglweogo"} <= words
    assert "mombasa" not in words and "pyu" not in words


def test_police_in_mombasa_are_placed_in_mombasa(shared_nlu: Nlu) -> None:
    [place, *_] = shared_nlu.geotag("Police shot two men in Mombasa yesterday", language="en")
    assert (place.name, place.country) == ("Mombasa", "KE")
