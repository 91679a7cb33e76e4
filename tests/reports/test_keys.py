"""Key material: from the setting, or a generated file readable by its owner only."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from reports.keys import KeyError_, build_keyring


def test_generated_key_file_is_private_reused_and_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "keys" / "tocsin.key"
    with caplog.at_level(logging.WARNING):
        first = build_keyring(None, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "TOCSIN_SECRET_KEY is not set" in caplog.text
    second = build_keyring(None, path)
    assert first.pseudonym("console", "x") == second.pseudonym("console", "x")


def test_setting_wins_over_the_key_file(tmp_path: Path) -> None:
    path = tmp_path / "tocsin.key"
    keyring = build_keyring("a-configured-secret-of-enough-length", path)
    assert not path.exists()
    assert keyring.pseudonym("a", "b") == build_keyring(
        "a-configured-secret-of-enough-length", path
    ).pseudonym("a", "b")


def test_too_short_secret_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError_, match="TOCSIN_SECRET_KEY"):
        build_keyring("short", tmp_path / "k")
