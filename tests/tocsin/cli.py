"""Running the real `tocsin` command in a subprocess, as an operator or a person would."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.conftest import TEST_SECRET


def cli_environment(database_url: str, cache_dir: Path, **extra: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TOCSIN_") or key.startswith("TOCSIN_TEST_")
    }
    environment.update(
        TOCSIN_DATABASE_URL=database_url,
        TOCSIN_SECRET_KEY=TEST_SECRET,
        TOCSIN_CACHE_DIR=str(cache_dir),
        PYTHONUNBUFFERED="1",
    )
    environment.update(extra)
    return environment


def run_tocsin(
    arguments: list[str], environment: dict[str, str], stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tocsin", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=180,
    )


def answers_health(base_url: str) -> bool:
    """Whether a `tocsin` server at `base_url` answers its /healthz (polled while it starts)."""
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
