"""In `tocsin shell` the terminal is the conversation: logs never print into the chat."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.tocsin.cli import cli_environment, run_tocsin


def _chat_in_a_terminal(environment: dict[str, str], cwd: Path, lines: list[str]) -> str:
    """Run the shell with standard input, output and error on one pseudo-terminal, as a
    person at a terminal does; everything the terminal showed."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tocsin", "shell", "--lang", "en", "--user", "amina"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=environment,
        cwd=cwd,
        close_fds=True,
    )
    os.close(secondary)
    shown = bytearray()
    pending = [line.encode() + b"\n" for line in lines] + [b"\x04"]  # then end of input
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([primary], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the shell closed the terminal
                break
            if not chunk:
                break
            shown += chunk
            if pending and b"> " in chunk:
                os.write(primary, pending.pop(0))
        elif process.poll() is not None:
            break
    process.wait(timeout=30)
    os.close(primary)
    return shown.decode("utf-8", "replace")


def test_logs_go_to_a_file_named_once_when_the_chat_shares_the_terminal(
    sqlite_url: str, nlu_cache_dir: Path, tmp_path: Path
) -> None:
    environment = cli_environment(sqlite_url, nlu_cache_dir)
    del environment["TOCSIN_SECRET_KEY"]  # the first run generates a key and warns about it
    log_file = nlu_cache_dir / "shell.log"
    log_file.unlink(missing_ok=True)
    shown = _chat_in_a_terminal(environment, tmp_path, ["/help"])
    assert "/delete" in shown  # the conversation is there
    assert "WARNING" not in shown and "TOCSIN_SECRET_KEY" not in shown
    assert shown.count(str(log_file)) == 1
    assert "TOCSIN_SECRET_KEY is not set" in log_file.read_text(encoding="utf-8")


def test_logs_go_to_standard_error_when_it_is_not_the_chat(
    sqlite_url: str, nlu_cache_dir: Path, tmp_path: Path
) -> None:
    environment = cli_environment(sqlite_url, nlu_cache_dir)
    del environment["TOCSIN_SECRET_KEY"]
    result = run_tocsin(
        ["shell", "--lang", "en", "--user", "amina"], environment, "/help\n", tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stdout and "/delete" in result.stdout
    assert "TOCSIN_SECRET_KEY is not set" in result.stderr
