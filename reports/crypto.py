"""Authenticated encryption of sensitive fields, with key ids so keys can rotate.

Free text, media and contact details are sealed with AES-256-GCM before they reach the
database; the key lives outside it (TOCSIN_SECRET_KEY or a key file). Every sealed value starts
with the id of the key that sealed it, so after a rotation old rows still open with the old key
while new rows use the new one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT_VERSION = b"\x01"
KEY_ID_BYTES = 4
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A sealed value was tampered with, truncated, or sealed by an unknown key."""


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tocsin/v1", info=purpose).derive(
        secret
    )


@dataclass(frozen=True)
class _Key:
    key_id: bytes
    encryption: AESGCM
    pseudonym: bytes


class Keyring:
    """Keys derived from one or more secrets; the first secret is the current one."""

    def __init__(self, secrets: Sequence[bytes]) -> None:
        if not secrets:
            raise ValueError("a keyring needs at least one secret")
        self._keys: list[_Key] = []
        for secret in secrets:
            if len(secret) < 16:
                raise ValueError("a secret key must be at least 16 bytes")
            encryption_key = _derive(secret, b"field-encryption")
            key_id = hashlib.sha256(encryption_key).digest()[:KEY_ID_BYTES]
            self._keys.append(
                _Key(key_id, AESGCM(encryption_key), _derive(secret, b"reporter-pseudonym"))
            )
        self._by_id = {key.key_id: key for key in self._keys}

    @property
    def current_key_id(self) -> str:
        return self._keys[0].key_id.hex()

    def encrypt(self, plaintext: bytes, *, context: bytes = b"") -> bytes:
        """Seal bytes; `context` binds the value to its field so it cannot be moved."""
        key = self._keys[0]
        nonce = os.urandom(NONCE_BYTES)
        sealed = key.encryption.encrypt(nonce, plaintext, FORMAT_VERSION + key.key_id + context)
        return FORMAT_VERSION + key.key_id + nonce + sealed

    def decrypt(self, token: bytes, *, context: bytes = b"") -> bytes:
        header = 1 + KEY_ID_BYTES
        if len(token) < header + NONCE_BYTES + 16 or token[:1] != FORMAT_VERSION:
            raise DecryptionError("not a sealed value")
        key = self._by_id.get(token[1:header])
        if key is None:
            raise DecryptionError(f"sealed by unknown key {token[1:header].hex()}")
        nonce = token[header : header + NONCE_BYTES]
        try:
            return key.encryption.decrypt(
                nonce, token[header + NONCE_BYTES :], token[:header] + context
            )
        except Exception as error:  # InvalidTag carries no message
            raise DecryptionError("sealed value failed authentication") from error

    def encrypt_text(self, text: str | None, *, context: str = "") -> bytes | None:
        if text is None:
            return None
        return self.encrypt(text.encode("utf-8"), context=context.encode())

    def decrypt_text(self, token: bytes | None, *, context: str = "") -> str | None:
        if token is None:
            return None
        return self.decrypt(token, context=context.encode()).decode("utf-8")

    def pseudonyms(self, channel: str, user_id: str) -> list[str]:
        """The pseudonym of a sender under every key, current first, for look-ups across
        a rotation."""
        message = f"{channel}\x00{user_id}".encode()
        return [hmac.new(key.pseudonym, message, hashlib.sha256).hexdigest() for key in self._keys]

    def pseudonym(self, channel: str, user_id: str) -> str:
        """Keyed HMAC of (channel, user id): stable per person, meaningless without the key."""
        return self.pseudonyms(channel, user_id)[0]

    def hash_secret(self, value: str) -> str:
        """A keyed hash for single-use secrets (invite codes) stored in the database."""
        return hmac.new(
            self._keys[0].pseudonym, b"secret\x00" + value.encode(), "sha256"
        ).hexdigest()
