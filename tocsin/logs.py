"""Logging that never carries what people told us.

Code logs ids and categories only; as a second line of defence every record passes a filter
that masks anything shaped like a phone number, coordinates, an e-mail address, a pseudonym,
a WhatsApp message id or a value a database error quotes. The filter renders the whole record
first, traceback and stack included, so nothing reaches a handler unmasked. Values of the
operator's own configuration (the address the server listens on, the URLs it calls) are theirs
to read: they pass unmasked.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

REDACTED = "[redacted]"
_SENSITIVE = (
    re.compile(r"(Key \([^)]*\)=\()[^\n]*?(\) )"),  # PostgreSQL's DETAIL quotes the row's values
    re.compile(r"wamid\.[A-Za-z0-9_=+/-]+"),  # WhatsApp message ids
    re.compile(r"\b[0-9a-f]{32,}\b"),  # pseudonyms and other keyed hashes
    re.compile(r"\+?\d[\d\s().-]{7,}\d"),  # phone numbers
    re.compile(r"-?\d{1,3}\.\d{3,}"),  # coordinates
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),  # e-mail addresses
)
_PLAIN = logging.Formatter()


def _mask(match: re.Match[str]) -> str:
    if match.re.groups == 2:
        return f"{match.group(1)}{REDACTED}{match.group(2)}"
    return REDACTED


def redact(text: str, keep: Iterable[str] = ()) -> str:
    """`text` with sensitive shapes masked; the strings in `keep` are left as they are."""
    kept = sorted({value for value in keep if value}, key=len, reverse=True)
    for number, value in enumerate(kept):
        text = text.replace(value, f"\x00{number}\x00")
    for pattern in _SENSITIVE:
        text = pattern.sub(_mask, text)
    for number, value in enumerate(kept):
        text = text.replace(f"\x00{number}\x00", value)
    return text


class RedactingFilter(logging.Filter):
    """Render the message with its traceback, mask sensitive shapes, and freeze the result.

    A traceback is formatted here and folded into the message (and `exc_info` cleared), so a
    handler's formatter has nothing left to render on its own: exceptions that quote a value
    are masked like everything else.
    """

    def __init__(self, keep: Iterable[str] = ()) -> None:
        super().__init__()
        self.keep = tuple(value for value in keep if value)

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info:
            text = f"{text}\n{_PLAIN.formatException(record.exc_info)}"
        elif record.exc_text:
            text = f"{text}\n{record.exc_text}"
        if record.stack_info:
            text = f"{text}\n{_PLAIN.formatStack(record.stack_info)}"
        record.msg = redact(text, self.keep)
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def operator_values(settings: Any) -> list[str]:
    """What the operator configured and may read in their own logs: listen address and URLs
    (secrets are not listed: they never appear in a log line in the first place)."""
    values = [str(getattr(settings, "http_host", "") or "")]
    for name in ("telegram_api_url", "telegram_webhook_url", "whatsapp_graph_url", "rasa_url"):
        values.append(str(getattr(settings, name, "") or ""))
    return [value for value in values if value]


# Libraries that would log statements with their parameters (report fields) or URLs with
# tokens at INFO/DEBUG: they speak only of warnings, whatever the root level.
QUIET_LIBRARIES = (
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "alembic",
    "aiohttp.access",
    "aiohttp.client",
    "aiogram.event",
    "redis",
    "urllib3",
)


def quiet_libraries() -> None:
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(
    level: str = "INFO",
    *,
    keep: Iterable[str] = (),
    stream: TextIO | None = None,
    file: Path | None = None,
) -> None:
    """One handler on the root logger, every record through the redacting filter: to `file`
    when given, else to `stream` (standard error by default)."""
    handler: logging.Handler
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(keep))
    root = logging.getLogger()
    for old in root.handlers:
        old.close()
    root.handlers[:] = [handler]
    root.setLevel(level.upper() if isinstance(level, str) else level)
    quiet_libraries()
