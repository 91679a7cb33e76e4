"""The words of the one-message template: trigger hashtags, field keys and yes/no, per language.

These are data, not translations: a monitor may type French keys in an English conversation,
so every language's words are understood everywhere, and a new language is one more entry in
`TEMPLATE_WORDS`. The first word of each tuple is the one shown in `/template`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

FIELD_KEYS: tuple[str, ...] = (
    "what",
    "who",
    "where",
    "when",
    "victims",
    "danger",
    "source",
    "text",
)
REQUIRED_KEYS: tuple[str, ...] = ("what", "where")


@dataclass(frozen=True)
class TemplateWords:
    """The hashtag, the keys and the yes/no words of one language."""

    trigger: tuple[str, ...]
    keys: dict[str, tuple[str, ...]]
    yes: tuple[str, ...]
    no: tuple[str, ...]
    unknown: tuple[str, ...]


TEMPLATE_WORDS: dict[str, TemplateWords] = {
    "en": TemplateWords(
        trigger=("#report",),
        keys={
            "what": ("what", "category"),
            "who": ("who", "perpetrator"),
            "where": ("where", "place", "location"),
            "when": ("when", "date"),
            "victims": ("victims",),
            "danger": ("danger",),
            "source": ("source", "grading"),
            "text": ("text", "description"),
        },
        yes=("yes", "y", "true"),
        no=("no", "n", "false"),
        unknown=("unknown", "?", "don't know"),
    ),
    "fr": TemplateWords(
        trigger=("#rapport",),
        keys={
            "what": ("quoi", "catégorie"),
            "who": ("qui", "auteur"),
            "where": ("où", "ou", "lieu"),
            "when": ("quand", "date"),
            "victims": ("victimes",),
            "danger": ("danger",),
            "source": ("source", "cotation"),
            "text": ("texte", "description"),
        },
        yes=("oui", "o", "vrai"),
        no=("non", "faux"),
        unknown=("inconnu", "je ne sais pas", "?"),
    ),
    "ar": TemplateWords(
        trigger=("#تقرير",),
        keys={
            "what": ("ماذا",),
            "who": ("من",),
            "where": ("أين", "المكان"),
            "when": ("متى", "التاريخ"),
            "victims": ("الضحايا", "ضحايا"),
            "danger": ("خطر",),
            "source": ("المصدر", "مصدر"),
            "text": ("النص", "نص"),
        },
        yes=("نعم",),
        no=("لا",),
        unknown=("لا أعرف", "?", "؟"),
    ),
    "es": TemplateWords(
        trigger=("#reporte", "#informe"),
        keys={
            "what": ("qué", "categoría"),
            "who": ("quién", "autor"),
            "where": ("dónde", "lugar"),
            "when": ("cuándo", "fecha"),
            "victims": ("víctimas",),
            "danger": ("peligro",),
            "source": ("fuente", "calificación"),
            "text": ("texto", "descripción"),
        },
        yes=("sí", "si"),
        no=("no",),
        unknown=("no sé", "desconocido", "?", "¿?"),
    ),
    "pt": TemplateWords(
        trigger=("#denuncia", "#relatorio"),
        keys={
            "what": ("o que", "categoria"),
            "who": ("quem", "autor"),
            "where": ("onde", "local"),
            "when": ("quando", "data"),
            "victims": ("vítimas",),
            "danger": ("perigo",),
            "source": ("fonte", "classificação"),
            "text": ("texto", "descrição"),
        },
        yes=("sim", "s"),
        no=("não", "nao"),
        unknown=("não sei", "desconhecido", "?"),
    ),
    "sw": TemplateWords(
        trigger=("#ripoti",),
        keys={
            "what": ("nini", "aina"),
            "who": ("nani", "mhusika"),
            "where": ("wapi", "mahali"),
            "when": ("lini", "tarehe"),
            "victims": ("waathirika",),
            "danger": ("hatari",),
            "source": ("chanzo", "daraja"),
            "text": ("maelezo", "maandishi"),
        },
        yes=("ndiyo", "ndio"),
        no=("hapana",),
        unknown=("sijui", "?"),
    ),
}


def fold(text: str) -> str:
    """Case, accents, Arabic hamza and vowel marks, digits and spacing do not matter.

    "Où" and "ou", "أين" and "اين", "٣" and "3" fold to the same word.
    """
    if text.isascii():
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for character in decomposed:
        if unicodedata.category(character) == "Mn" or character == "\u0640":  # marks, tatweel
            continue
        if character.isdigit():
            character = str(unicodedata.digit(character, character))
        kept.append(character)
    return " ".join("".join(kept).casefold().split())


def _index_keys() -> dict[str, tuple[str, str]]:
    index: dict[str, tuple[str, str]] = {}
    for language, words in TEMPLATE_WORDS.items():
        for key, aliases in words.keys.items():
            for alias in aliases:
                index.setdefault(fold(alias), (key, language))
    return index


def _index_triggers() -> dict[str, str]:
    return {
        fold(trigger): language
        for language, words in TEMPLATE_WORDS.items()
        for trigger in words.trigger
    }


# folded word -> (field key, language of the word); a word shared by two languages
# (e.g. "danger") belongs to the first that lists it.
KEY_INDEX: dict[str, tuple[str, str]] = _index_keys()
TRIGGER_INDEX: dict[str, str] = _index_triggers()


def key_of(word: str) -> tuple[str, str] | None:
    """(field key, language) of a typed key or column name, or None when it is not one."""
    return KEY_INDEX.get(fold(word))


def trigger_language(word: str) -> str | None:
    """The language whose hashtag `word` is (trailing ":" forgiven), or None."""
    return TRIGGER_INDEX.get(fold(word).rstrip(":"))


def _index_key_languages() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for language, words in TEMPLATE_WORDS.items():
        for aliases in words.keys.values():
            for alias in aliases:
                index.setdefault(fold(alias), set()).add(language)
    return {word: frozenset(languages) for word, languages in index.items()}


KEY_LANGUAGES: dict[str, frozenset[str]] = _index_key_languages()


def languages_of_key(word: str) -> frozenset[str]:
    """Every language in which `word` is a key: "danger" is English and French alike."""
    return KEY_LANGUAGES.get(fold(word), frozenset())


def display_key(key: str, language: str) -> str:
    """The word `/template` shows for `key` in `language` (English when it has none)."""
    words = TEMPLATE_WORDS.get(language) or TEMPLATE_WORDS["en"]
    return words.keys[key][0]


ANSWERS: dict[str, bool | None] = {
    fold(word): answer
    for words in TEMPLATE_WORDS.values()
    for answer, group in ((True, words.yes), (False, words.no), (None, words.unknown))
    for word in group
}


def read_yes_no(value: str) -> tuple[bool, bool | None]:
    """(understood, answer): yes -> True, no -> False, "unknown" -> None, in any language."""
    folded = fold(value).rstrip(".!")
    return (folded in ANSWERS), ANSWERS.get(folded)
