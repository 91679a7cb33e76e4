"""Test-only crash points: `TOCSIN_CRASH_AT=<name>` ends the process at that point, at once.

The crash test (tests/tocsin/test_crash_safety.py, bench/crash.py) kills `tocsin run` and
`tocsin worker` at chosen moments of a turn or of a staff ping, to check that what was promised
survives: in a turn, `before_commit` (the turn ran, nothing of it committed), `after_commit`
(its outcome is committed, nothing sent yet) and `after_remote` (Telegram took a reply, not yet
marked sent); in a staff ping, `ping_after_remote` (the remote took it, not yet marked sent)
and `ping_after_commit` (marked sent). `TOCSIN_CRASH_AFTER=N` lets the point pass N times first.
Unset (always, outside that test) a crash point costs one dictionary look-up.

`os._exit` skips every `finally`, flush and shutdown hook, as `kill -9` would.
"""

from __future__ import annotations

import os

_counts: dict[str, int] = {}


def crash_point(name: str) -> None:
    """End the process here when the environment names this point."""
    if os.environ.get("TOCSIN_CRASH_AT") != name:
        return
    passed = _counts.get(name, 0)
    _counts[name] = passed + 1
    if passed >= int(os.environ.get("TOCSIN_CRASH_AFTER", "0")):
        os._exit(137)
