"""Sealed fields: authenticated, bound to their place, readable across a key rotation."""

from __future__ import annotations

import pytest

from reports.crypto import DecryptionError, Keyring

OLD = b"the-old-secret-key-0123456789"
NEW = b"the-new-secret-key-9876543210"


def test_sealed_text_opens_only_in_its_own_context() -> None:
    keyring = Keyring([NEW])
    token = keyring.encrypt_text("soldiers beat my brother", context="TX-1/description")
    assert b"soldiers" not in token
    assert keyring.decrypt_text(token, context="TX-1/description") == "soldiers beat my brother"
    with pytest.raises(DecryptionError):
        keyring.decrypt_text(token, context="TX-2/description")


def test_tampered_value_is_refused() -> None:
    keyring = Keyring([NEW])
    token = bytearray(keyring.encrypt(b"evidence"))
    token[-1] ^= 0x01
    with pytest.raises(DecryptionError):
        keyring.decrypt(bytes(token))


def test_rotation_keeps_old_values_readable_and_seals_with_the_new_key() -> None:
    old_token = Keyring([OLD]).encrypt(b"old report")
    rotated = Keyring([NEW, OLD])
    assert rotated.decrypt(old_token) == b"old report"
    new_token = rotated.encrypt(b"new report")
    assert new_token[1:5].hex() == rotated.current_key_id
    with pytest.raises(DecryptionError, match="unknown key"):
        Keyring([OLD]).decrypt(new_token)


def test_pseudonym_is_stable_keyed_and_channel_specific() -> None:
    keyring = Keyring([NEW])
    first = keyring.pseudonym("telegram", "123456789")
    assert first == keyring.pseudonym("telegram", "123456789")
    assert first != keyring.pseudonym("whatsapp", "123456789")
    assert first != Keyring([OLD]).pseudonym("telegram", "123456789")
    assert "123456789" not in first


def test_pseudonyms_after_rotation_include_the_old_one() -> None:
    old = Keyring([OLD]).pseudonym("console", "amina")
    assert old in Keyring([NEW, OLD]).pseudonyms("console", "amina")


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValueError):
        Keyring([b"short"])
