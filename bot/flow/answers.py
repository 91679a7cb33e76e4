"""Reading a typed answer to a question with choices, as people actually type it.

A person on a cheap phone types "oui", "no", "تخطي" without the shadda of the button's
"تخطّي", "٢", "snd", or the first word of a label. Each is matched against the question's
choices after folding (case, accents, Arabic diacritics, tatweel and letter variants, and
Arabic-Indic or Persian digits ignored); a short typo is forgiven when only one choice is that
close. Input that fits several choices is not guessed: the caller re-asks, showing what was
understood.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import distance, process

from bot.flow.words import MEANING_WORDS, UNKNOWN

_LETTERS = str.maketrans(
    {"ة": "ه", "ى": "ي", "ـ": None, "پ": "ب", "ک": "ك", "ی": "ي", "œ": "oe", "æ": "ae"}
)
_PUNCTUATION = re.compile(r"[^\w\s]|_")
# Matched words shorter than this are never read as typos of something else.
MIN_TYPO_LENGTH = 3
# A phrase of "I don't know" is recognised inside an answer at most this long.
MAX_WORDS_AROUND = 6


def normalise_digits(text: str) -> str:
    """Arabic-Indic, Persian and other Unicode digits become ASCII digits."""
    return "".join(
        str(unicodedata.digit(character)) if character.isdigit() else character
        for character in text
    )


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """The form answers are compared in: "Tout à fait !" -> "tout a fait"; "تخطّي" -> "تخطي"."""
    decomposed = unicodedata.normalize("NFKD", normalise_digits(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = unicodedata.normalize("NFC", plain).translate(_LETTERS).casefold()
    return " ".join(_PUNCTUATION.sub(" ", plain).split())


@dataclass(frozen=True)
class Understanding:
    """What a typed answer was read as: one choice, several (ambiguous), or none (free text)."""

    choice: str | None = None
    candidates: tuple[str, ...] = ()
    heard: str | None = None  # the word the answer was matched with, e.g. "send" for "snd"

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


NOTHING = Understanding()


def _meaning_vocabulary(language: str, meanings: Mapping[str, str]) -> dict[str, str]:
    """Folded word -> choice id, the conversation's language winning over English."""
    vocabulary: dict[str, str] = {}
    for words_language in ("en", language):
        for meaning, choice_id in meanings.items():
            for word in MEANING_WORDS.get(meaning, {}).get(words_language, ()):
                vocabulary[fold(word)] = choice_id
    return vocabulary


def _unknown_phrase(folded: str, language: str, meanings: Mapping[str, str]) -> str | None:
    """ "je ne sais pas trop" holds "je ne sais pas": read before yes and no ("no se")."""
    choice_id = meanings.get(UNKNOWN)
    if choice_id is None or len(folded.split()) > MAX_WORDS_AROUND:
        return None
    padded = f" {folded} "
    for words_language in (language, "en"):
        for phrase in MEANING_WORDS[UNKNOWN].get(words_language, ()):
            if f" {fold(phrase)} " in padded:
                return choice_id
    return None


def _labels(choices: Sequence[tuple[str, str]]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Folded whole labels, and their first words, -> the choices they name."""
    whole: dict[str, set[str]] = {}
    firsts: dict[str, set[str]] = {}
    for choice_id, label in choices:
        folded = fold(label)
        if not folded:
            continue
        whole.setdefault(folded, set()).add(choice_id)
        first = folded.split()[0]
        if len(first) >= 2:
            firsts.setdefault(first, set()).add(choice_id)
    return whole, firsts


def _one_of(ids: set[str], heard: str) -> Understanding:
    ordered = tuple(sorted(ids))
    if len(ordered) == 1:
        return Understanding(choice=ordered[0], heard=heard)
    return Understanding(candidates=ordered, heard=heard)


def _contained(folded: str, choices: Sequence[tuple[str, str]]) -> Understanding:
    """A typed word or phrase found whole in labels: "beating" names "Beating, torture…"."""
    if len(folded) < 4:
        return NOTHING
    padded = f" {folded} "
    ids = {choice_id for choice_id, label in choices if padded in f" {fold(label)} "}
    return _one_of(ids, folded) if ids else NOTHING


def _typo(folded: str, vocabulary: dict[str, set[str]]) -> Understanding:
    """The closest word within one edit (two for long words), when only one choice is that
    close."""
    if len(folded) < MIN_TYPO_LENGTH:
        return NOTHING
    limit = 1 if len(folded) <= 6 else 2
    found = process.extract(
        folded,
        list(vocabulary),
        scorer=distance.OSA.distance,
        score_cutoff=limit,
        limit=None,
    )
    found = [(word, score) for word, score, _index in found if len(word) >= MIN_TYPO_LENGTH]
    if not found:
        return NOTHING
    best = min(score for _word, score in found)
    closest = [word for word, score in found if score == best]
    ids = set().union(*(vocabulary[word] for word in closest))
    return _one_of(ids, closest[0] if len(ids) == 1 else folded)


def understand(
    text: str,
    choices: Sequence[tuple[str, str]],
    *,
    language: str,
    meanings: Mapping[str, str],
    forgive_typos: bool = True,
) -> Understanding:
    """Match `text` against the choices (id, label) of the question asked; `meanings` maps
    the meanings "yes", "no", "unknown", "skip" to the question's choice ids."""
    folded = fold(text)
    if not folded or not choices:
        return NOTHING
    ids = {choice_id for choice_id, _label in choices}
    meanings = {meaning: cid for meaning, cid in meanings.items() if cid in ids}
    whole, firsts = _labels(choices)
    words = _meaning_vocabulary(language, meanings)
    if folded in whole:
        return _one_of(whole[folded], folded)
    if (choice_id := _unknown_phrase(folded, language, meanings)) is not None:
        return Understanding(choice=choice_id, heard=folded)
    if folded in words:
        return Understanding(choice=words[folded], heard=folded)
    if folded in firsts:
        return _one_of(firsts[folded], folded)
    first = folded.split()[0]
    if first != folded and first in words and len(folded.split()) <= 4:
        return Understanding(choice=words[first], heard=first)  # "non, ailleurs"
    contained = _contained(folded, choices)
    if contained.choice or contained.ambiguous or not forgive_typos:
        return contained
    vocabulary: dict[str, set[str]] = {}
    for table in (whole, firsts):
        for word, cids in table.items():
            vocabulary.setdefault(word, set()).update(cids)
    for word, choice_id in words.items():
        vocabulary.setdefault(word, set()).add(choice_id)
    return _typo(folded, vocabulary)
