"""Report references such as `TX-7KQM-4HPD`: short, unambiguous, with a check character.

People read them aloud, copy them by hand and type them on feature phones, so the alphabet has
no 0/O, 1/I/L or U/V, input is forgiving (case, spaces, dashes), and the
last character is a check character that catches a single typo or a swap of two neighbours.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"  # 29 symbols: prime, so the check catches swaps
PREFIX = "TX"
BODY_LENGTH = 7
REFERENCE_PATTERN = re.compile(r"\bTX[-\s]?[A-Z0-9]{4}[-\s]?[A-Z0-9]{4}\b", re.IGNORECASE)


def _check_character(body: str) -> str:
    total = 0
    for position, character in enumerate(body, start=1):
        total += position * ALPHABET.index(character)
    return ALPHABET[total % len(ALPHABET)]


def new_reference() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    full = body + _check_character(body)
    return f"{PREFIX}-{full[:4]}-{full[4:]}"


def normalise_reference(text: str) -> str | None:
    """The canonical reference in `text`, or None when it is not a valid one."""
    cleaned = re.sub(r"[\s\-_.]", "", text.strip().upper())
    cleaned = cleaned.removeprefix(PREFIX)
    if len(cleaned) != BODY_LENGTH + 1:
        return None
    if any(character not in ALPHABET for character in cleaned):
        return None
    if _check_character(cleaned[:-1]) != cleaned[-1]:
        return None
    return f"{PREFIX}-{cleaned[:4]}-{cleaned[4:]}"
