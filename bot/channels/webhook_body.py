"""Reading a webhook body: bounded in size and time, then as JSON the bot can always handle.

A request declaring more than its route takes is refused before a byte is read, and a body
that trickles in is given up after a few seconds, so nobody holds a connection open by
promising a large body and sending little. Meta and Telegram redeliver a delivery answered
with an error for days, so a body that always fails would never die. A signed body is
therefore either read into plain JSON values that are safe downstream, or refused as
unreadable (the webhook then answers 200, stores nothing and logs a line): nesting deeper than
any real payload is refused before it can exhaust the stack, and strings that cannot be
encoded (a lone UTF-16 surrogate such as `\\ud800`, which JSON allows) are repaired with
U+FFFD instead of failing every later encode.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

from aiohttp import web

READ_TIMEOUT_SECONDS = 10.0
MAX_DEPTH = 32  # real updates nest about 8 levels deep
MAX_KEY_CHARS = 128  # the inbox's and the outbound ledger's id columns
HASHED_KEY_PREFIX = "sha256:"


class UnreadableBody(ValueError):
    """A body that is not JSON we can read: invalid, or nested too deep."""


class BodyRefused(Exception):
    """A body not read to its end: `status` says why (413 too large, 408 too slow)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def read_body(
    request: web.Request, limit: int, timeout: float = READ_TIMEOUT_SECONDS
) -> bytes:
    """The raw body, at most `limit` bytes, read within `timeout` seconds."""
    if request.content_length is not None and request.content_length > limit:
        raise BodyRefused(413, "too large")
    body = bytearray()
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.content.iter_chunked(64 * 1024):
                body += chunk
                if len(body) > limit:
                    raise BodyRefused(413, "too large")
    except TimeoutError:
        raise BodyRefused(408, "too slow") from None
    return bytes(body)


def clean_text(value: str) -> str:
    """`value` with lone surrogates replaced (a surrogate pair becomes its character)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def _clean(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise UnreadableBody(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(key): _clean(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item, depth + 1) for item in value]
    return value


def read_json(body: bytes) -> tuple[Any, bool]:
    """The parsed body with its strings repaired, and whether anything had to be repaired
    (then the raw bytes must not be kept as they are)."""
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise UnreadableBody(type(error).__name__) from None
    return clean_json(parsed)


def clean_json(parsed: Any) -> tuple[Any, bool]:
    """Parsed JSON with its strings repaired, and whether anything was (UnreadableBody when it
    nests too deep)."""
    cleaned = _clean(parsed, 0)
    return cleaned, cleaned != parsed


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON of a value `read_json` returned (always encodable)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def fixed_key(external_id: str) -> str:
    """The inbox key of a remote id: the id itself when it fits the column, otherwise a
    SHA-256 of it, so an id of any length is stored (and de-duplicated) by a bounded key."""
    if len(external_id) <= MAX_KEY_CHARS:
        return external_id
    return HASHED_KEY_PREFIX + hashlib.sha256(external_id.encode()).hexdigest()
