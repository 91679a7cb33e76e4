"""Where the secret key comes from: TOCSIN_SECRET_KEY, else a generated key file.

A laptop run must work with no configuration, so the first run writes a random key to a file
readable only by its owner and warns that production should set the key explicitly (losing the
file means losing every encrypted field).
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from pathlib import Path

from reports.crypto import Keyring

log = logging.getLogger(__name__)


class KeyError_(Exception):
    """The key material is unusable; the message says why in one line."""


def _decode(secret: str) -> bytes:
    secret = secret.strip()
    try:
        raw = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
        if len(raw) >= 32:
            return raw
    except ValueError:
        pass
    return secret.encode("utf-8")


def parse_secrets(value: str) -> list[bytes]:
    """`new,old,...`: several comma-separated secrets, the first current (key rotation)."""
    parts = [part for part in (piece.strip() for piece in value.split(",")) if part]
    secrets_ = [_decode(part) for part in parts]
    if not secrets_ or any(len(secret) < 16 for secret in secrets_):
        raise KeyError_("TOCSIN_SECRET_KEY: each key must be at least 16 characters")
    return secrets_


def load_or_create_key_file(path: Path) -> str:
    """Read the key file, creating it with mode 600 on first use."""
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            log.warning("key file %s is readable by others (mode %o); chmod 600 it", path, mode)
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    log.warning(
        "TOCSIN_SECRET_KEY is not set: generated a key into %s (mode 600). Back it up; "
        "set TOCSIN_SECRET_KEY in production",
        path,
    )
    return key


def build_keyring(secret_key: str | None, key_file: Path) -> Keyring:
    """The keyring from the configured secret, or from the key file."""
    value = secret_key if secret_key else load_or_create_key_file(key_file)
    return Keyring(parse_secrets(value))
