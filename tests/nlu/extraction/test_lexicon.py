"""The lexicon's fast layout finds exactly what the plain alternation, one group per label,
finds: same labels, same words, same offsets."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping

import pytest

from nlu.cues import ACT_WORDS, FOREIGN_PERSONNEL, SEXUAL_VIOLENCE
from nlu.extraction.lexicon import Lexicon, _expanded, _first_characters, _options, words
from nlu.extraction.perpetrator import PERPETRATOR_WORDS
from nlu.extraction.weapons import WEAPON_WORDS
from nlu.text import fold
from nlu.training_data import load_examples


class Plain:
    """The reference: every label's options in their order, one named group per label."""

    def __init__(self, entries: Mapping[str, Iterable[str]]) -> None:
        self.labels = list(entries)
        groups = [f"(?P<g{i}>{'|'.join(_options(entries[k]))})" for i, k in enumerate(entries)]
        self.pattern = re.compile(r"(?<![\w])(?:" + "|".join(groups) + r")(?![\w])")

    def hits(self, text: str) -> list[tuple[str, str, int]]:
        return [
            (self.labels[int((m.lastgroup or "g0")[1:])], m.group(0), m.start())
            for m in self.pattern.finditer(text)
        ]


def hits(lexicon: Lexicon, text: str) -> list[tuple[str, str, int]]:
    return [(m.label, m.words, m.start) for m in lexicon.find(text)]


# Options that begin with groups, classes, \w and look-aheads, in labels that compete for the
# same words: the cases where moving an option could change which one matches first.
TRICKY = {
    "first": words(
        r"(?:wali|ali|ku)?(?:m|wa)?piga\w*; kill(?:ed|s)?; (?:armed )?men; \w+ brigade; "
        r"(?!the )\w+ unit; [kd]idnap\w*; had not (?:seen|heard) (?:him|her)"
    ),
    "second": words(
        r"killed by; walipigwa; men in uniform; 5th brigade; \d+ ?men; kidnapped; "
        r"(?:have|has|had) not seen; (?:les|the) russes; والجيش; بال(?:شرطه|جيش)"
    ),
    "third": words(r"kill; piga; men; the russes; unit; جيش; شرطه"),
}
TRICKY_TEXTS = [
    "walimpiga kaka yangu, kisha walipigwa tena na askari",
    "killed by armed men in uniform near the 5th brigade and 12 men of the kidnapped unit",
    "they had not seen him; have not seen the russes; les russes sont la; a special unit",
    "didnap kidnapped kill kills killed piga wapiga mpiga",
    "قتل الجيش والجيش بالشرطه شرطه جيش",
]


def test_tricky_options_match_as_the_plain_alternation() -> None:
    lexicon, plain = Lexicon(TRICKY), Plain(TRICKY)
    texts = [fold(text) for text in TRICKY_TEXTS]
    rng = random.Random(3)
    vocabulary = [word for text in texts for word in text.split()]
    texts += [" ".join(rng.choices(vocabulary, k=rng.randint(1, 12))) for _ in range(2000)]
    found = 0
    for text in texts:
        expected = plain.hits(text)
        assert hits(lexicon, text) == expected, text
        found += len(expected)
    assert found > 2000  # the texts do exercise the options


@pytest.mark.parametrize(
    "entries",
    [
        {**ACT_WORDS, "sexual_violence": SEXUAL_VIOLENCE},
        PERPETRATOR_WORDS,
        WEAPON_WORDS,
        {"foreign_personnel": FOREIGN_PERSONNEL},
    ],
    ids=["acts", "perpetrators", "weapons", "foreign"],
)
def test_shipped_lexicons_match_as_the_plain_alternation(
    entries: Mapping[str, Iterable[str]],
) -> None:
    lexicon, plain = Lexicon(entries), Plain(entries)
    texts = [fold(example.text) for example in load_examples()]
    found = 0
    for text in texts:
        expected = plain.hits(text)
        assert hits(lexicon, text) == expected, text
        found += len(expected)
    assert found > 0


def test_first_and_at_agree_with_find() -> None:
    lexicon = Lexicon(TRICKY)
    text = fold(TRICKY_TEXTS[1])
    every = lexicon.find(text)
    assert lexicon.first(text) == every[0]
    assert lexicon.first(text, every[0].end) == every[1]
    assert lexicon.at(text, every[1].start) == every[1]
    assert lexicon.at(text, every[1].start + 1) is None


def test_leading_groups_are_spelled_out_in_their_order() -> None:
    assert _expanded("(?:have|has) not") == ["have not", "has not"]
    assert _expanded("(?:armed )?men") == ["armed men", "men"]
    assert _expanded("(?:a|b)*c") == ["(?:a|b)*c"]  # a repeated group stays whole
    assert _expanded("(?:a|b)??c") == ["(?:a|b)??c"]  # a lazy one too


def test_first_characters_of_options() -> None:
    assert _first_characters("(?:wali|ku)?piga") == frozenset("wkp")
    assert _first_characters("[kd]idnap") == frozenset("kd")
    assert _first_characters(r"\w+ brigade") is None
    assert _first_characters("(?:a)?") is None  # can match nothing: anything may follow
