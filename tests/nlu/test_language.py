"""Language identification of short, informal messages: right, or honestly unsure."""

from __future__ import annotations

import pytest

from nlu import Nlu


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the soldiers beat my brother at the market yesterday", "en"),
        ("les militaires ont frappé mon frère au marché hier", "fr"),
        ("الجيش ضرب اخي في السوق امس", "ar"),
        ("los soldados golpearon a mi hermano en el mercado ayer", "es"),
        ("os soldados bateram no meu irmão no mercado ontem", "pt"),
        ("askari walimpiga kaka yangu sokoni jana", "sw"),
        ("FAMa yé mon frère arrêté hier soir au marché", "fr"),
    ],
)
def test_detects_each_shipped_language(nlu: Nlu, text: str, expected: str) -> None:
    language, confidence = nlu.detect_language(text)
    assert language == expected
    assert 0.5 < confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "expected"), [("bonjour", "fr"), ("habari", "sw"), ("hello", "en")]
)
def test_one_word_greetings_are_read(nlu: Nlu, text: str, expected: str) -> None:
    assert nlu.detect_language(text)[0] == expected


@pytest.mark.parametrize("text", ["ok", "3", "...", "Mopti"])
def test_answers_und_rather_than_guessing_on_tiny_texts(nlu: Nlu, text: str) -> None:
    assert nlu.detect_language(text)[0] == "und"


def test_the_channel_hint_decides_a_tiny_text(nlu: Nlu) -> None:
    assert nlu.detect_language("ok", hint="fr")[0] == "fr"
    assert nlu.detect_language("Mopti", hint="fr-FR")[0] == "fr"


def test_a_long_text_outweighs_a_wrong_hint(nlu: Nlu) -> None:
    text = "les gendarmes ont arrêté tous les hommes du village ce matin"
    assert nlu.detect_language(text, hint="en")[0] == "fr"


def test_detection_is_restricted_to_the_configured_languages(nlu_cache_dir) -> None:
    from nlu.language import LanguageDetector

    detector = LanguageDetector(["en", "fr"])
    assert detector.detect("askari walimpiga kaka yangu sokoni jana")[0] in {"en", "fr", "und"}
    assert detector.detect("الجيش ضرب اخي")[0] != "ar"
