"""Finding the real PostgreSQL and Redis servers that some tests need.

On a developer's machine without them those tests are skipped with the reason; in CI
(`CI=true`) a missing server fails the run instead, so a green CI always means they ran.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "TOCSIN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TOCSIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), 1.0):
            return True
    except OSError:
        return False


def require(url: str, what: str) -> None:
    """Skip (or, in CI, fail) when the server behind `url` does not answer."""
    if reachable(url):
        return
    reason = f"{what} is not reachable at {urlparse(url).netloc}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run every test", pytrace=False)
    pytest.skip(reason)
