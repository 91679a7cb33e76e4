"""Right-to-left messages keep their left-to-right runs in reading order.

An Arabic message carries references, commands, coordinates and Latin place names. Without
direction marks the Unicode bidi algorithm lays them out right to left around their neutral
characters: "/status TX-A9DG-TJB2" shows as "status TX-A9DG-TJB2/" and "(16.2717, -0.0447)" as
")0.0447- ,16.2717(". Each such run is wrapped in LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL
ISOLATE (U+2066 ... U+2069), which every channel's client honours and which leave the text
unchanged for a reader, a screen reader or a copy and paste.
"""

from __future__ import annotations

import re

LRI, PDI = "\u2066", "\u2069"
_LATIN = "A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff"
# A run: optional opening signs ("/", "(", "-", "+", "#"), a Latin letter or digit, then
# Latin letters, digits and the punctuation found inside references, commands, numbers and
# names, ending on a letter, a digit or a closing bracket.
_RUN = re.compile(rf"[/(\[#+\-]*[{_LATIN}](?:[{_LATIN}\s.,:;/_@#+\-()\[\]'’%]*[{_LATIN})\]])?")


_MARKS = dict.fromkeys(
    map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
)


def without_direction_marks(text: str) -> str:
    """What a person typed, without the direction marks a copied bot message carries (an
    example pasted back from `/template` must read as the example)."""
    return text.translate(_MARKS)


def isolate_left_to_right(text: str) -> str:
    """`text` with every left-to-right run isolated; text already isolated is left alone."""
    if LRI in text:
        return text
    return _RUN.sub(lambda match: f"{LRI}{match.group(0)}{PDI}", text)
