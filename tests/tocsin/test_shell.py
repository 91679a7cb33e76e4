"""`tocsin shell` scripted from standard input, then `tocsin reports list --json`."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tocsin.cli import cli_environment, run_tocsin

REFERENCE = re.compile(r"TX-[A-Z0-9]{4}-[A-Z0-9]{4}")

# Each script answers exactly the questions of the console contract for its story.
SCRIPTS = {
    "en": [
        "Soldiers beat three men with sticks at the market in Mopti yesterday evening",
        "1",  # I understood: a beating by soldiers, in Mopti, Mali, yesterday evening: Yes
        "2",  # Is anyone in danger right now? No
        "1",  # Send, anonymously
    ],
    "fr": [
        "Des militaires ont frappé trois hommes au marché de Mopti hier soir",
        "1",
        "2",
        "1",
    ],
    "ar": [
        "قام جنود بضرب ثلاثة رجال في سوق موبتي مساء أمس",
        "1",
        "2",
        "1",
    ],
}


@pytest.fixture(params=["sqlite", "postgres"])
def shell_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'shell.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_scripted_conversation_stores_a_report(
    language: str, shell_database: str, nlu_cache_dir: Path, tmp_path: Path
) -> None:
    environment = cli_environment(shell_database, nlu_cache_dir)
    user = f"shell-{language}-{time.time_ns()}"
    script = "\n".join(SCRIPTS[language]) + "\n"
    result = run_tocsin(
        ["shell", "--lang", language, "--user", user], environment, script, tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "> " not in result.stdout  # no prompt when standard input is not a terminal
    assert "  [1] " in result.stdout
    references = REFERENCE.findall(result.stdout)
    assert references, result.stdout
    listing = run_tocsin(["reports", "list", "--json"], environment, cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    report = next(r for r in json.loads(listing.stdout) if r["reference"] == references[-1])
    assert report["category"] == "physical_assault"
    assert report["place"] == "Mopti" and report["country"] == "ML"
    assert report["lat"] == pytest.approx(14.49, abs=0.2)
    assert report["lon"] == pytest.approx(-4.19, abs=0.2)
    assert report["language"] == language
    assert report["channel"] == "console"
    assert report["reporter_role"] == "community"
    assert report["description"] == SCRIPTS[language][0]


def test_database_file_holds_neither_description_nor_identity(
    nlu_cache_dir: Path, tmp_path: Path
) -> None:
    database_file = tmp_path / "raw.db"
    environment = cli_environment(f"sqlite+aiosqlite:///{database_file}", nlu_cache_dir)
    user = "amina-from-sevare"
    script = "\n".join(SCRIPTS["en"]) + "\n"
    result = run_tocsin(["shell", "--lang", "en", "--user", user], environment, script, tmp_path)
    assert REFERENCE.search(result.stdout), result.stdout
    raw = b"".join(path.read_bytes() for path in tmp_path.glob("raw.db*") if path.is_file())
    assert raw  # the database really is there
    assert b"beat three men" not in raw
    assert b"sticks" not in raw
    assert user.encode() not in raw


def test_shell_without_settings_uses_a_generated_key_file(
    nlu_cache_dir: Path, tmp_path: Path
) -> None:
    environment = cli_environment("sqlite+aiosqlite:///tocsin.db", nlu_cache_dir)
    del environment["TOCSIN_SECRET_KEY"]
    result = run_tocsin(["shell", "--lang", "en"], environment, "/help\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tocsin.key").stat().st_mode & 0o777 == 0o600
    assert "TOCSIN_SECRET_KEY is not set" in result.stderr


def test_invalid_setting_stops_with_one_clear_line(nlu_cache_dir: Path, tmp_path: Path) -> None:
    environment = cli_environment("mysql://nope", nlu_cache_dir, TOCSIN_HTTP_PORT="x")
    result = run_tocsin(["shell"], environment, "", tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tocsin: invalid setting TOCSIN_")
    assert "Traceback" not in result.stderr


def test_report_survives_kill_9_right_after_the_reference(
    nlu_cache_dir: Path, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'crash.db'}"
    environment = cli_environment(database_url, nlu_cache_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "tocsin", "shell", "--lang", "en", "--user", "crash"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=environment,
        cwd=tmp_path,
        text=True,
    )
    assert process.stdin and process.stdout
    process.stdin.write("\n".join(SCRIPTS["en"]) + "\n")
    process.stdin.flush()  # standard input stays open: the shell is still running
    reference = None
    deadline = time.monotonic() + 120
    while reference is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        match = REFERENCE.search(line)
        reference = match.group(0) if match else None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert reference, "the shell never showed a reference"
    listing = run_tocsin(["reports", "list", "--json"], environment, cwd=tmp_path)
    assert reference in [report["reference"] for report in json.loads(listing.stdout)]
