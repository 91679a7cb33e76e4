"""An operator's mistake gets one clear line naming what to fix, never a traceback."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reports.crypto import Keyring
from reports.database import create_engine, upgrade_schema_sync
from reports.storage import ReportStore
from tests.escalation.conftest import make_draft
from tests.tocsin.cli import cli_environment, run_tocsin


def one_line_without_traceback(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(
    ("setting", "value"),
    [("TOCSIN_LOG_LEVEL", "LOUD"), ("TOCSIN_LANGUAGES", "en,zz"), ("TOCSIN_COUNTRIES", "XX")],
)
def test_a_setting_that_cannot_work_is_refused_at_start_naming_it(
    tmp_path: Path, nlu_cache_dir: Path, setting: str, value: str
) -> None:
    environment = cli_environment(
        f"sqlite+aiosqlite:///{tmp_path / 't.db'}", nlu_cache_dir, **{setting: value}
    )
    done = run_tocsin(["reports", "list"], environment, cwd=tmp_path)
    assert done.returncode == 2
    assert one_line_without_traceback(done.stderr).startswith(f"tocsin: invalid setting {setting}")


def test_a_database_that_does_not_answer_is_one_line(tmp_path: Path, nlu_cache_dir: Path) -> None:
    environment = cli_environment("postgresql+asyncpg://postgres@127.0.0.1:1/tocsin", nlu_cache_dir)
    done = run_tocsin(["reports", "list"], environment, cwd=tmp_path)
    assert done.returncode == 1
    line = one_line_without_traceback(done.stderr)
    assert line.startswith("tocsin: TOCSIN_DATABASE_URL: the database does not answer")


def test_a_database_sealed_with_another_key_is_one_line(
    tmp_path: Path, nlu_cache_dir: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 't.db'}"
    upgrade_schema_sync(url)
    other = Keyring([b"another-secret-key-for-tocsin-0123456789"])

    async def file_one() -> None:
        engine = create_engine(url)
        await ReportStore(engine, other).submit(make_draft(other))
        await engine.dispose()

    asyncio.run(file_one())
    done = run_tocsin(["reports", "list"], cli_environment(url, nlu_cache_dir), cwd=tmp_path)
    assert done.returncode == 1
    line = one_line_without_traceback(done.stderr)
    assert "sealed with another key" in line and "TOCSIN_SECRET_KEY" in line


def test_export_rasa_onto_an_existing_file_is_one_line(tmp_path: Path, nlu_cache_dir: Path) -> None:
    (tmp_path / "project").write_text("mine")
    environment = cli_environment(f"sqlite+aiosqlite:///{tmp_path / 't.db'}", nlu_cache_dir)
    done = run_tocsin(["nlu", "export-rasa", "project"], environment, cwd=tmp_path)
    assert done.returncode == 1
    line = one_line_without_traceback(done.stderr)
    assert line == "tocsin: cannot export the Rasa project: project is a file, not a directory"
    assert (tmp_path / "project").read_text() == "mine"


def test_version_is_printed(tmp_path: Path, nlu_cache_dir: Path) -> None:
    environment = cli_environment(f"sqlite+aiosqlite:///{tmp_path / 't.db'}", nlu_cache_dir)
    done = run_tocsin(["--version"], environment, cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("tocsin 0.")
