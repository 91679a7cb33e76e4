"""Progress bars on standard error, for the few things an operator waits for.

Only when standard error is a terminal: piped into a file or a log collector the bars would be
noise, so they are silent there. `tqdm` draws them (see docs/design-notes.md).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

from tqdm import tqdm

REFRESH_SECONDS = 0.5  # how often a bar of unknown length redraws its clock


class Progress(Protocol):
    def update(self, n: float | None = 1) -> bool | None: ...


class _Silent:
    def update(self, n: float | None = 1) -> bool | None:
        return None


SILENT: Progress = _Silent()


def is_terminal(stream: TextIO | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # replaced or closed streams
        return False


@contextmanager
def bar(total: int | None, description: str, unit: str = "row") -> Iterator[Progress]:
    """A bar of `total` steps; with `total` None, a line that says what runs and for how long."""
    stream = sys.stderr
    if not is_terminal(stream):
        yield SILENT
        return
    if total is not None:
        with tqdm(total=total, desc=description, unit=unit, file=stream, leave=False) as shown:
            yield shown
        return
    with tqdm(desc=description, file=stream, bar_format="{desc}: {elapsed}", leave=True) as shown:
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(REFRESH_SECONDS):
                shown.refresh()

        clock = threading.Thread(target=tick, name="progress-clock", daemon=True)
        clock.start()
        try:
            yield shown
        finally:
            stop.set()
            clock.join()
