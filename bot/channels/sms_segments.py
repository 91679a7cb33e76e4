"""What an SMS costs: GSM-7 or UCS-2, and how many segments the network will carry.

A text made only of GSM 03.38 characters travels in 7-bit septets: 160 in a single SMS, 153
per part once it must be concatenated (the user data header takes the rest); the extension
characters (`{ } [ ] ~ | ^ € \\`) take two septets. Any other character, and so every Arabic
text, makes the whole message UCS-2: 70 UTF-16 units in a single SMS, 67 per part. Operators
bill per part, so the channel counts before it sends and folds Latin letters the GSM alphabet
lacks (ê, ç, typographic quotes) into ones it has, which keeps a French reply GSM-7.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# Characters people type or catalogues use that have a close GSM equivalent.
_FOLDS = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "ç": "c",
        "•": "-",
    }
)


@dataclass(frozen=True)
class Cost:
    """How a text travels: its encoding, its length in that encoding's units, its parts."""

    encoding: str  # "gsm7" or "ucs2"
    units: int
    segments: int


def is_gsm(text: str) -> bool:
    return all(char in GSM_BASIC or char in GSM_EXTENSION for char in text)


def fold_to_gsm(text: str) -> str:
    """`text` with Latin letters outside GSM 03.38 replaced by their base letter, when that
    makes the whole text GSM-7; otherwise the text unchanged (Arabic stays Arabic)."""
    folded = text.translate(_FOLDS)
    if is_gsm(folded):
        return folded
    letters = []
    for char in folded:
        if char in GSM_BASIC or char in GSM_EXTENSION:
            letters.append(char)
            continue
        base = unicodedata.normalize("NFD", char)[0]
        letters.append(base if base in GSM_BASIC else char)
    candidate = "".join(letters)
    return candidate if is_gsm(candidate) else text


def _units(char: str, gsm: bool) -> int:
    if gsm:
        return 2 if char in GSM_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1  # a surrogate pair in UTF-16


def cost(text: str) -> Cost:
    """The encoding, length and number of segments of `text` as one (concatenated) SMS."""
    gsm = is_gsm(text)
    units = sum(_units(char, gsm) for char in text)
    single, part = (GSM_SINGLE, GSM_PART) if gsm else (UCS2_SINGLE, UCS2_PART)
    segments = 1 if units <= single else -(-units // part)
    return Cost("gsm7" if gsm else "ucs2", units, max(segments, 1))


def split_segments(text: str) -> list[str]:
    """The parts a phone shows as one message, cut as the network cuts them: never inside an
    extension character's escape or a surrogate pair."""
    gsm = is_gsm(text)
    units = sum(_units(char, gsm) for char in text)
    single, part = (GSM_SINGLE, GSM_PART) if gsm else (UCS2_SINGLE, UCS2_PART)
    if units <= single:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in text:
        size = _units(char, gsm)
        if used + size > part:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += size
    if current:
        parts.append("".join(current))
    return parts


def fit(text: str, max_segments: int) -> str:
    """`text` cut at a word boundary (with an ellipsis) so it takes at most `max_segments`."""
    if cost(text).segments <= max_segments:
        return text
    ending = "..." if is_gsm(text) else "…"
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits, with its ellipsis
        middle = (low + high + 1) // 2
        if cost(text[:middle].rstrip() + ending).segments <= max_segments:
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    space = cut.rfind(" ")
    if space > low // 2:
        cut = cut[:space]
    return cut.rstrip() + ending
