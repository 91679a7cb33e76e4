"""How place names become lookup keys, shared by the index builder and the text matcher.

A name is folded (case, accents, Arabic variants), tokenised and hashed to 64 bits: the index
then holds a few million integers instead of a few million strings, which keeps the worldwide
gazetteer small in memory and quick to load.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from nlu.text import tokens

MAX_NAME_TOKENS = 5


def key_of(words: Iterable[str]) -> int:
    """The 64-bit key of a sequence of folded tokens.

    CRC-32 and Adler-32 side by side: stable across processes (unlike `hash`), three times
    faster than a cryptographic digest, and collisions among a million names are improbable.
    The text matcher computes a key for every window of every message, so speed matters.
    """
    data = " ".join(words).encode()
    return zlib.crc32(data) << 32 | zlib.adler32(data)


def name_keys(names: Iterable[str]) -> list[tuple[int, int, int]]:
    """(key, number of tokens, key of the first token or 0) of each distinct spelling, the
    first name first. The first-token keys let the matcher try longer windows only where a
    longer name can start.

    Arabic names are also keyed without their article so "موصل" meets "الموصل".
    """
    seen: dict[int, tuple[int, int]] = {}
    for name in names:
        words = tokens(name)
        if not words or len(words) > MAX_NAME_TOKENS:
            continue
        variants = [words]
        if words[0].startswith("ال") and len(words[0]) > 3:
            variants.append([words[0][2:], *words[1:]])
        for variant in variants:
            first = key_of(variant[:1]) if len(variant) > 1 else 0
            seen.setdefault(key_of(variant), (len(variant), first))
    return [(key, size, first) for key, (size, first) in seen.items()]
