"""Failures an operator can fix, told in one line instead of a traceback.

A database that does not answer, data sealed with another key, a path that cannot be written:
each is the operator's to fix, and a traceback only hides the one line that says how. Anything
else is a fault of Tocsin and keeps its traceback.
"""

from __future__ import annotations

import socket

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from reports.crypto import DecryptionError

_UNREACHABLE = (ConnectionError, socket.gaierror, TimeoutError)


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def operator_message(error: BaseException) -> str | None:
    """The one line for a failure the operator can fix; None for anything else."""
    if isinstance(error, DecryptionError):
        return (
            f"the database holds data sealed with another key ({error}): TOCSIN_SECRET_KEY "
            "(or TOCSIN_KEY_FILE) must be the key the data was written with"
        )
    if isinstance(error, _UNREACHABLE):
        return f"TOCSIN_DATABASE_URL: the database does not answer ({_first_line(error)})"
    if isinstance(error, OperationalError | InterfaceError | DBAPIError):
        return f"TOCSIN_DATABASE_URL: the database refused ({_first_line(error)})"
    if isinstance(error, OSError) and error.filename:
        return f"{error.strerror or 'cannot use'}: {error.filename}"
    return None
