"""The package metadata builds with current setuptools."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_license_is_an_spdx_expression_not_the_deprecated_table() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "AGPL-3.0-or-later"
    requires = project["build-system"]["requires"]
    assert any(item.startswith("setuptools>=77") for item in requires), "SPDX needs 77+"


def test_the_readme_says_how_to_run_it_for_real() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running it for real", 1)[1].split("\n## ", 1)[0]
    for needed in (
        "TOCSIN_DATABASE_URL",
        "TOCSIN_REDIS_URL",
        "TOCSIN_SECRET_KEY",
        "TOCSIN_STAFF_TELEGRAM_CHATS",
        "tocsin worker --check",
        "tocsin db upgrade",
    ):
        assert needed in section, needed
