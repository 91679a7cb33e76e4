"""Crash loop, long form: `tocsin run` and `tocsin worker` killed at chosen points, many times.

    .venv/bin/python bench/crash.py [--rounds 4] [--json]

Each round tells one whole report per crash point below. Both processes start once; every
time one dies it is started again with the next crash point of the schedule armed
(`reports/crashpoints.py`), letting a different number of passes go by each time, so kills land
on different turns and pings of `tocsin run` (turns: before the commit, after it, after
Telegram took a reply; pings) and of `tocsin worker` (pings: after the remote took one, after it
was marked sent). Prints kills per process, reports shown and stored, repeated messages per
kill, lost questions (a message that got no answer, a conversation that never reached its
reference), pings beside reports + kills, how long a restart takes to serve and how long a
person then waits, the CPU time of all processes, and the load average; and checks the
promises of the bounded test (tests/tocsin/test_crash_safety.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import drop_database, free_port, fresh_database
from tests.fakes.telegram import FakeTelegram
from tests.servers import POSTGRES_ADMIN_URL, REDIS_URL, reachable
from tests.tocsin.crash_run import STORY, crash_loop, environment

POINTS = ("before_commit", "after_commit", "after_remote", "ping_after_remote")
WORKER_POINTS = ("ping_after_remote", "ping_after_commit", "")


def schedule(rounds: int) -> list[tuple[str, int, str, int]]:
    entries = []
    for number in range(rounds):
        for index, point in enumerate(POINTS):
            worker = WORKER_POINTS[(index + number) % len(WORKER_POINTS)]
            entries.append((point, 1 + (number * 3 + index) % 8, worker, number % 2))
    return entries


def _spread(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "median": round(statistics.median(values), 2),
        "max": round(max(values), 2),
    }


def _cpu_seconds() -> float:
    """CPU time of this process and of the `tocsin` processes it started and reaped."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def _warm(cache: Path) -> None:
    """Train and cache the NLU once, so that each start only loads it."""
    from nlu import Nlu

    await Nlu(languages=("en", "fr", "ar", "es", "pt", "sw"), cache_dir=cache).analyze(STORY)


async def run(rounds: int) -> dict[str, Any]:
    cache = Path(tempfile.gettempdir()) / "tocsin-bench-nlu"
    await _warm(cache)
    url = await fresh_database("tocsin_bench_crash")
    folder = Path(tempfile.mkdtemp(prefix="tocsin-crash-"))
    cpu_before, load_before = _cpu_seconds(), os.getloadavg()
    try:
        async with FakeTelegram() as fake:
            port = free_port()
            env = environment(url, REDIS_URL, cache, fake, port, folder / "rules.yml")
            plan = schedule(rounds)
            tally = await crash_loop(
                fake, env, folder, port, plan, random.randint(10**8, 10**9), long_form=True
            )
    finally:
        await drop_database(url)
    stored = len(tally.stored)
    figures: dict[str, Any] = {
        "conversations": len(plan),
        "kills": tally.kills,
        "run_kills": tally.run_kills,
        "worker_kills": tally.worker_kills,
        "reports_stored": stored,
        "references_shown": len(set(tally.shown)),
        "repeated_messages": tally.duplicates,
        "repeats_per_kill": round(tally.duplicates / tally.kills, 2) if tally.kills else 0.0,
        "unanswered_messages": tally.unanswered,
        "incomplete_conversations": tally.incomplete,
        "pings": tally.pings,
        "incidents": tally.incidents,
        "reports_plus_kills": stored + tally.kills,
        "restart_seconds": _spread(tally.restarts),
        "wait_after_restart_seconds": _spread(tally.recoveries),
        "seconds": round(tally.seconds, 1),
        "cpu_seconds": round(_cpu_seconds() - cpu_before, 1),
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "log_folder": str(folder),
    }
    figures["shown_once_and_stored_once"] = sorted(tally.stored) == sorted(set(tally.shown))
    figures["no_question_lost"] = tally.unanswered == 0 and tally.incomplete == 0
    figures["pings_within_reports_plus_kills"] = tally.pings <= stored + tally.kills
    figures["pings_within_incidents_plus_kills"] = tally.pings <= tally.incidents + tally.kills
    figures["repeats_within_kills"] = tally.duplicates <= tally.kills
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (reachable(POSTGRES_ADMIN_URL) and reachable(REDIS_URL)):
        sys.exit("needs PostgreSQL and Redis (TOCSIN_TEST_POSTGRES_URL, TOCSIN_TEST_REDIS_URL)")
    figures = asyncio.run(run(args.rounds))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"{figures['conversations']} whole reports in {figures['seconds']} s "
        f"({figures['cpu_seconds']} s CPU, load average {figures['load_average_before']} -> "
        f"{figures['load_average_after']})"
    )
    print(
        f"kills: {figures['kills']} ({figures['run_kills']} of tocsin run, "
        f"{figures['worker_kills']} of tocsin worker)"
    )
    print(
        f"references shown {figures['references_shown']}, reports stored "
        f"{figures['reports_stored']}, repeated messages {figures['repeated_messages']} "
        f"({figures['repeats_per_kill']} per kill)"
    )
    print(
        f"lost questions: {figures['unanswered_messages']} messages without an answer, "
        f"{figures['incomplete_conversations']} conversations without a reference"
    )
    print(
        f"staff pings {figures['pings']} for reports + kills = {figures['reports_plus_kills']} "
        f"(incidents: {figures['incidents']}; a report joining one edits its ping)"
    )
    print(
        f"restart until serving (s): {figures['restart_seconds']}; a person's wait once it "
        f"serves (s): {figures['wait_after_restart_seconds']}"
    )
    print(
        "every reference shown stored once, every report shown: "
        f"{figures['shown_once_and_stored_once']}; no question lost: "
        f"{figures['no_question_lost']}; pings <= reports + kills: "
        f"{figures['pings_within_reports_plus_kills']} (<= incidents + kills: "
        f"{figures['pings_within_incidents_plus_kills']}); repeats <= kills: "
        f"{figures['repeats_within_kills']}"
    )


if __name__ == "__main__":
    main()
