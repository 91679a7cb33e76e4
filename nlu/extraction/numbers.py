"""Numbers written as digits or words, in each shipped language.

Reports say "three", "trois", "ثلاثة", "watatu" as often as "3"; Swahili numbers take the noun
class prefix ("watoto watatu") and Arabic ones may be feminine or masculine, so each form is
listed. Compound numbers are read by adding tens and units ("vingt-trois", "kumi na mbili").
"""

from __future__ import annotations

from nlu.text import fold

_WORDS: dict[str, int] = {}


def _add(value: int, *words: str) -> None:
    for word in words:
        _WORDS[fold(word)] = value


_add(1, "one", "a single", "un", "une", "uno", "una", "um", "uma", "moja", "mmoja", "واحد", "واحدة")
_add(
    2,
    "two",
    "couple",
    "deux",
    "dos",
    "dois",
    "duas",
    "mbili",
    "wawili",
    "اثنان",
    "اثنين",
    "إثنين",
    "اثنتين",
    "اثنتان",
)
_add(3, "three", "trois", "tres", "três", "tatu", "watatu", "ثلاثة", "ثلاث")
_add(4, "four", "quatre", "cuatro", "quatro", "nne", "wanne", "أربعة", "أربع")
_add(5, "five", "cinq", "cinco", "tano", "watano", "خمسة", "خمس")
_add(6, "six", "seis", "sita", "ستة", "ست")
_add(7, "seven", "sept", "siete", "sete", "saba", "سبعة", "سبع")
_add(8, "eight", "huit", "ocho", "oito", "nane", "wanane", "ثمانية", "ثماني", "ثمان")
_add(9, "nine", "neuf", "nueve", "nove", "tisa", "تسعة", "تسع")
_add(10, "ten", "dix", "diez", "dez", "kumi", "عشرة", "عشر")
_add(11, "eleven", "onze", "once", "احد عشر")
_add(12, "twelve", "dozen", "douze", "doce", "doze", "douzaine")
_add(13, "thirteen", "treize", "trece", "treze")
_add(14, "fourteen", "quatorze", "catorce", "catorze")
_add(15, "fifteen", "quinze", "quince")
_add(16, "sixteen", "seize", "dieciseis", "dezesseis")
_add(20, "twenty", "vingt", "veinte", "vinte", "ishirini", "عشرين", "عشرون")
_add(30, "thirty", "trente", "treinta", "trinta", "thelathini", "ثلاثين", "ثلاثون")
_add(40, "forty", "quarante", "cuarenta", "quarenta", "arobaini", "أربعين", "أربعون")
_add(50, "fifty", "cinquante", "cincuenta", "cinquenta", "hamsini", "خمسين", "خمسون")
_add(100, "hundred", "a hundred", "cent", "cien", "cem", "mia", "مئة", "مائة")

_TENS = {20, 30, 40, 50}
_JOINERS = {"and", "et", "y", "e", "na", "و"}


def word_value(token: str) -> int | None:
    """The value of one folded token: digits or a number word."""
    if token.isdigit():
        return int(token) if len(token) <= 6 else None
    return _WORDS.get(token)


def read_number(tokens: list[str], start: int) -> tuple[int, int] | None:
    """(value, tokens used) for a number beginning at `tokens[start]`, else None."""
    first = word_value(tokens[start])
    if first is None:
        return None
    used = 1
    value = first
    # "vingt et un", "kumi na mbili", "dix sept", "twenty three"
    if first in _TENS or first == 10:
        following = start + 1
        if following < len(tokens) and tokens[following] in _JOINERS:
            following += 1
        if following < len(tokens):
            unit = word_value(tokens[following])
            if unit is not None and unit < 10 and not tokens[following].isdigit():
                value += unit
                used = following - start + 1
    return value, used
