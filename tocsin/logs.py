"""Logging that never carries what people told us.

Code logs ids and categories only; as a second line of defence every record passes a filter
that masks anything shaped like a phone number, coordinates or an e-mail address.
"""

from __future__ import annotations

import logging
import re

_SENSITIVE = (
    re.compile(r"\+?\d[\d\s().-]{7,}\d"),  # phone numbers
    re.compile(r"-?\d{1,3}\.\d{3,}"),  # coordinates
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),  # e-mail addresses
)


def redact(text: str) -> str:
    for pattern in _SENSITIVE:
        text = pattern.sub("[redacted]", text)
    return text


class RedactingFilter(logging.Filter):
    """Render the message, mask sensitive shapes, and freeze it (no later re-formatting)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


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


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper() if isinstance(level, str) else level)
    quiet_libraries()
