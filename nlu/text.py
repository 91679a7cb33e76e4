"""Text normalisation shared by the classifier, the lexicons and the gazetteer.

People type on cheap phones: no accents or wrong ones, Arabic with or without diacritics and
with interchangeable letter forms, mixed case. Every component compares text in one folded form
so that "Ségou", "segou" and "SEGOU" (or "الموصل" and "الموصِل") meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ک": "ك",
        "ی": "ي",
        "٠": "0",
        "١": "1",
        "٢": "2",
        "٣": "3",
        "٤": "4",
        "٥": "5",
        "٦": "6",
        "٧": "7",
        "٨": "8",
        "٩": "9",
        "’": "'",
        "‘": "'",
        "`": "'",
    }
)
# Combining marks left by NFKD on Latin, Greek and Cyrillic letters (é -> e + U+0301).
_LATIN_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
_ARABIC_CHAR = re.compile("[\u0600-\u06ff]")
# Arabic clitics glued to the front of a word: conjunction, prepositions and the article.
_ARABIC_PREFIXES = ("وبال", "فبال", "وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف")


# One message is read by the classifier, the language detector and every extractor: the
# folded form and the tokens of the latest texts are kept rather than recomputed by each.
CACHE_SIZE = 2048


@lru_cache(maxsize=CACHE_SIZE)
def fold(text: str) -> str:
    """Lower-case, strip Latin accents and Arabic diacritics, unify Arabic letter variants."""
    if text.isascii():
        return text.lower().replace("`", "'")
    text = _ARABIC_DIACRITICS.sub("", text.translate(_ARABIC_LETTERS))
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", _LATIN_MARKS.sub("", decomposed))


def tokens(text: str) -> list[str]:
    """Folded word tokens (letters and digits), apostrophes kept inside words."""
    return list(_tokens(text))


@lru_cache(maxsize=CACHE_SIZE)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(fold(text)))


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Folded tokens with their character offsets in the folded text.

    Folding keeps one character per character for the scripts we read, so offsets are close
    enough to the original to quote the matched words back.
    """
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(fold(text))]


def is_arabic_script(text: str) -> bool:
    """True when most letters of `text` are Arabic script."""
    if text.isascii():
        return False  # no Arabic letter at all (most reports: no need to look at each)
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    arabic = sum(1 for ch in letters if _ARABIC_CHAR.match(ch))
    return arabic * 2 > len(letters)


def arabic_stems(token: str) -> list[str]:
    """The token and its forms without leading clitics ("بالموصل" -> "موصل", "الموصل")."""
    forms = [token]
    if not _ARABIC_CHAR.match(token[:1]):
        return forms
    for prefix in _ARABIC_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            rest = token[len(prefix) :]
            forms.append(rest)
            if not rest.startswith("ال"):
                forms.append("ال" + rest)
    seen: dict[str, None] = dict.fromkeys(forms)
    return list(seen)
