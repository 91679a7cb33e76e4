"""Progress on standard error: shown on a terminal, silent when stderr goes to a file or pipe.

A pseudo-terminal stands in for the operator's terminal.
"""

from __future__ import annotations

import fcntl
import io
import os
import struct
import sys
import termios
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import numpy as np
import pytest

from nlu.cache import load_or_build_arrays
from nlu.progress import bar


class Terminal:
    """The reading end of a pseudo-terminal whose writing end is standard error."""

    def __init__(self, reader: int, stream: TextIO, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reader, self.stream, self.monkeypatch = reader, stream, monkeypatch

    def attach(self) -> None:
        """From here on standard error is the terminal (in the test's own phase: pytest puts
        its capture back between a fixture's setup and the test)."""
        self.monkeypatch.setattr(sys, "stderr", self.stream)

    def read(self) -> str:
        sys.stderr.flush()
        os.set_blocking(self.reader, False)
        chunks = []
        while True:
            try:
                chunk = os.read(self.reader, 65536)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", errors="replace")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Terminal]:
    reader, writer = os.openpty()
    # wide enough that a bar never cuts its description (paths of temporary folders are long)
    fcntl.ioctl(writer, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 500, 0, 0))
    stream = open(writer, "w", encoding="utf-8", buffering=1)  # noqa: SIM115
    yield Terminal(reader, stream, monkeypatch)
    stream.close()
    os.close(reader)


def build() -> dict[str, np.ndarray]:
    return {"weights": np.arange(3.0)}


def test_the_first_cache_build_says_what_is_being_built(terminal: Terminal, tmp_path: Path) -> None:
    terminal.attach()
    arrays = load_or_build_arrays(tmp_path, "place-names", "k1", build)
    assert list(arrays["weights"]) == [0.0, 1.0, 2.0]
    shown = terminal.read()
    assert "building the NLU cache: place-names" in shown and str(tmp_path) in shown
    load_or_build_arrays(tmp_path, "place-names", "k1", build)  # from the cache: nothing to say
    assert "building" not in terminal.read()


def test_the_cache_build_is_silent_when_stderr_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    captured = io.StringIO()
    monkeypatch.setattr(sys, "stderr", captured)
    load_or_build_arrays(tmp_path, "place-names", "k1", build)
    assert captured.getvalue() == ""


def test_a_bar_counts_its_steps_on_a_terminal(terminal: Terminal) -> None:
    terminal.attach()
    with bar(40, "reading rows") as progress:
        for _ in range(40):
            progress.update()
    shown = terminal.read()
    assert "reading rows" in shown and "/40" in shown
