"""Every benchmark starts the way README.md says to run it (`.venv/bin/python bench/NAME.py`),
from any working directory: a benchmark nobody can start measures nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SCRIPTS = sorted(
    path.name
    for path in BENCH.glob("*.py")
    if path.name not in ("__init__.py", "harness.py", "measure.py")
)


def test_every_script_is_listed() -> None:
    assert "staff.py" in SCRIPTS and "crash.py" in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_script_answers_help_when_run_by_its_path(script: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage:" in done.stdout
