"""Crash loop, long form: `tocsin run` and `tocsin worker` killed at chosen points, many times.

    python -m bench.crash [--rounds 4] [--json]

Each round tells one whole report per schedule entry below, the run process and the worker
started with a crash point (`reports/crashpoints.py`) that lets a different number of passes
go by each round, so kills land on different turns and pings. Prints kills, reports stored and
shown, repeated messages and pings, and checks the promises of the bounded test
(tests/tocsin/test_crash_safety.py): every reference shown stored once, every report stored
shown, no conversation left without its next question, pings <= reports + kills.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import drop_database, free_port, fresh_database
from tests.fakes.telegram import FakeTelegram
from tests.servers import POSTGRES_ADMIN_URL, REDIS_URL, reachable
from tests.tocsin.crash_run import crash_loop, environment

POINTS = ("before_commit", "after_commit", "after_remote", "ping_after_remote")
WORKER_POINTS = ("ping_after_remote", "ping_after_commit", "")


def schedule(rounds: int) -> list[tuple[str, int, str, int]]:
    entries = []
    for number in range(rounds):
        for index, point in enumerate(POINTS):
            worker = WORKER_POINTS[(index + number) % len(WORKER_POINTS)]
            entries.append((point, 1 + (number * 3 + index) % 8, worker, number % 2))
    return entries


async def run(rounds: int) -> dict[str, Any]:
    url = await fresh_database("tocsin_bench_crash")
    folder = Path(tempfile.mkdtemp(prefix="tocsin-crash-"))
    try:
        async with FakeTelegram() as fake:
            port = free_port()
            cache = Path(tempfile.gettempdir()) / "tocsin-bench-nlu"
            env = environment(url, REDIS_URL, cache, fake, port, folder / "rules.yml")
            plan = schedule(rounds)
            tally = await crash_loop(fake, env, folder, port, plan, random.randint(10**8, 10**9))
    finally:
        await drop_database(url)
    figures = {
        "conversations": len(plan),
        "kills": tally.kills,
        "reports_stored": len(tally.stored),
        "references_shown": len(set(tally.shown)),
        "repeated_messages": tally.duplicates,
        "pings": tally.pings,
        "seconds": round(tally.seconds, 1),
    }
    figures["shown_once_and_stored_once"] = sorted(tally.stored) == sorted(set(tally.shown))
    figures["pings_within_reports_plus_kills"] = tally.pings <= len(tally.stored) + tally.kills
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
        f"{figures['conversations']} whole reports, {figures['kills']} kills in "
        f"{figures['seconds']} s: {figures['reports_stored']} reports stored, "
        f"{figures['references_shown']} references shown, {figures['repeated_messages']} "
        f"repeated messages, {figures['pings']} staff pings"
    )
    print(
        "every reference shown stored once, every report shown: "
        f"{figures['shown_once_and_stored_once']}; pings <= reports + kills: "
        f"{figures['pings_within_reports_plus_kills']}; repeats <= kills: "
        f"{figures['repeats_within_kills']}"
    )


if __name__ == "__main__":
    main()
