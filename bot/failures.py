"""Which failures of a turn may pass if tried again, and which never will.

A message whose handling fails for a reason that will not change (a field of the wrong type,
content the parser cannot take) must not be retried for minutes while the person hears
nothing and their next message waits behind it: it is answered at once and parked as a dead
letter. A failure of something remote (the database, Redis, a remote API over the network) is
tried again shortly; see `bot.inbox_processor`.
"""

from __future__ import annotations

import aiohttp
import redis.exceptions
import sqlalchemy.exc
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError

TRANSIENT_TYPES: tuple[type[BaseException], ...] = (
    OSError,  # ConnectionError and socket errors among them
    TimeoutError,
    aiohttp.ClientError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    TelegramNetworkError,
    TelegramServerError,
    TelegramRetryAfter,
)


def is_transient(error: BaseException) -> bool:
    """True when trying again later may succeed. An exception may say so itself with a
    boolean `transient` attribute (a remote API error knows whether its remedy is a retry)."""
    flag = getattr(error, "transient", None)
    if isinstance(flag, bool):
        return flag
    return isinstance(error, TRANSIENT_TYPES)
