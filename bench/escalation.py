"""Benchmark: from report commit to staff ping, and alerts per second through the outbox.

On PostgreSQL (and Redis for wake-ups when reachable), with the fake Bot API on loopback:

(a) latency: reports are committed one by one at a steady rate while a worker runs; for each,
    the time from the commit returning to the fake Bot API receiving the first ping.
(b) throughput: a backlog of critical reports, each routed by country to its own staff chat,
    drained by the worker(s); alerts/s with Telegram's limits respected (30 messages/s per
    bot, 20 a minute per group), and again with the bot-wide limit raised as a local Bot API
    server or paid broadcasts allow.

(c) routing CPU: reports of one category and place (one growing incident, a surging area)
    routed in this process by the worker's loop, `--per-wake` reports committed per wake-up
    (0: all first, as a backlog); CPU ms per routed report, with the default rules and staff
    targets (routing only queues deliveries; nothing is sent).

    .venv/bin/python bench/escalation.py [--reports 200] [--backlog 2000] [--workers 2]
    .venv/bin/python bench/escalation.py --phases routing [--routed 500] [--per-wake 1]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import statistics
import string
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redis.asyncio import Redis

from escalation.clock import ManualClock
from escalation.loading import load_rules
from escalation.routing import Policy
from escalation.units import load_units
from escalation.wakeup import Waker
from escalation.worker import EscalationWorker
from reports.crypto import Keyring
from reports.database import create_engine, upgrade_schema
from reports.storage import ReportStore
from tests.escalation.conftest import TOKEN, make_draft
from tests.fakes.telegram_staff_api import FakeStaffBotApi
from tests.servers import POSTGRES_ADMIN_URL, REDIS_URL, reachable
from tocsin.settings import Settings

SECRET = "bench-secret-key-for-tocsin-0123456789"
COUNTRIES = ["".join(pair) for pair in itertools.product(string.ascii_uppercase, repeat=2)]


def rules_for(chats: int) -> str:
    """One rule per country, each naming its own staff chat (the bot's rate is a setting)."""
    targets = "\n".join(f"  c{i}: {{telegram: ['-{5000 + i}']}}" for i in range(chats))
    rules = "\n".join(
        f"  - {{name: r{i}, match: {{countries: [{COUNTRIES[i]}]}}, chain: [{{notify: [c{i}]}}]}}"
        for i in range(chats)
    )
    return (
        f"targets:\n{targets}\nrules:\n{rules}\n"
        "surge: {enabled: false}\ndigest: {enabled: false}\n"
        "delivery: {poll_interval: 2s, lease: 60s}\n"
    )


async def create_database() -> tuple[str, str]:
    import asyncpg

    admin = POSTGRES_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")
    name = f"tocsin_bench_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(admin)
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    await upgrade_schema(url)
    return url, name


async def drop_database(name: str) -> None:
    import asyncpg

    admin = POSTGRES_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(admin)
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await connection.close()


def spread(i: int) -> dict:
    """A report of its own: a country and a place at least 100 km from any other."""
    return {
        "country": COUNTRIES[i % 100],
        "lat": -60.0 + (i % 120),
        "lon": -170.0 + 2.0 * (i // 120),
        "admin_area": f"area {i}",
        "immediate_danger": True,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def start_workers(
    url: str, api: FakeStaffBotApi, text: str, count: int, per_second: float = 30.0
) -> tuple:
    """`count` separate `tocsin worker` processes, as a deployment scales out."""
    folder = Path(tempfile.mkdtemp(prefix="tocsin-bench-"))
    rules = folder / "rules.yml"
    rules.write_text(text)
    env = {
        **os.environ,
        "TOCSIN_DATABASE_URL": url,
        "TOCSIN_SECRET_KEY": SECRET,
        "TOCSIN_TELEGRAM_TOKEN": TOKEN,
        "TOCSIN_TELEGRAM_API_URL": api.url,
        "TOCSIN_ESCALATION_RULES": str(rules),
        "TOCSIN_TELEGRAM_PER_SECOND": str(per_second),
        "TOCSIN_LOG_LEVEL": "WARNING",
    }
    if reachable(REDIS_URL):
        env["TOCSIN_REDIS_URL"] = REDIS_URL
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tocsin",
            "worker",
            env=env,
            cwd=folder,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        for _ in range(count)
    ]

    async def shutdown() -> None:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()

    return shutdown, Keyring([SECRET.encode()])


async def warm_up(store: ReportStore, keyring: Keyring, api: FakeStaffBotApi) -> None:
    """Wait until the workers are up: one report pinged."""
    await store.submit(make_draft(keyring, **spread(10_000)))
    deadline = time.perf_counter() + 120
    while not api.messages and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    api.messages.clear()


async def latency(url: str, reports: int, rate: float, workers: int) -> dict:
    api = await FakeStaffBotApi().start()
    shutdown, keyring = await start_workers(url, api, rules_for(100), workers, 25)
    engine = create_engine(url)
    store = ReportStore(engine, keyring)
    committed: dict[str, float] = {}
    # the bot process (`tocsin run`) publishes a wake-up on every commit with an outbox event
    redis = Redis.from_url(REDIS_URL) if reachable(REDIS_URL) else None
    waker = Waker(redis)
    waker.hook_commits()
    await warm_up(store, keyring, api)
    for i in range(reports):
        view = await store.submit(make_draft(keyring, **spread(i)))
        committed[view.reference] = time.perf_counter()
        await asyncio.sleep(1 / rate)
    deadline = time.perf_counter() + 30
    while len(api.messages) < reports and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    await shutdown()
    waker.unhook()
    if redis is not None:
        await redis.aclose()
    delays = []
    for message in api.messages:
        reference = message.text.split("Reference: ", 1)[1].split("\n", 1)[0]
        delays.append(message.received_at - committed[reference])
    await api.stop()
    await engine.dispose()
    return {
        "reports": reports,
        "pinged": len(api.messages),
        "p50_s": statistics.median(delays),
        "p99_s": percentile(delays, 0.99),
    }


async def throughput(url: str, backlog: int, per_second: float, workers: int) -> dict:
    api = await FakeStaffBotApi().start()
    keyring = Keyring([SECRET.encode()])
    engine = create_engine(url)
    store = ReportStore(engine, keyring)
    for i in range(backlog):
        await store.submit(make_draft(keyring, **spread(i)))
    shutdown, _keyring = await start_workers(url, api, rules_for(100), workers, per_second)
    deadline = time.perf_counter() + 900
    while len(api.messages) < backlog and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    times = sorted(message.received_at for message in api.messages)
    elapsed = times[-1] - times[0] if len(times) > 1 else float("nan")
    await shutdown()
    await api.stop()
    await engine.dispose()
    per_chat: dict[str, list[float]] = {}
    for message in api.messages:
        per_chat.setdefault(message.chat_id, []).append(message.received_at)
    worst_minute = max(
        max(sum(1 for t in times if start <= t < start + 60) for start in times)
        for times in per_chat.values()
    )
    busiest_second = (
        max(sum(1 for t in times if start <= t < start + 1.0) for start in times) if times else 0
    )
    return {
        "alerts": backlog,
        "pinged": len(api.messages),
        "seconds_first_to_last_ping": elapsed,
        "alerts_per_second": (len(api.messages) - 1) / elapsed,
        "bot_limit_per_second": per_second,
        "most_in_one_chat_minute": worst_minute,
        "most_in_any_one_second": busiest_second,
    }


async def routing_cpu(url: str, reports: int, per_wake: int) -> dict:
    """CPU of the routing loop alone: submitting happens outside the measured time."""
    settings = Settings(
        _env_file=None,
        database_url=url,
        secret_key=SECRET,
        staff_telegram_chats=["-1001", "-1002"],
        staff_emails=["desk@example.org"],
    )
    ruleset = load_rules(settings)
    keyring = Keyring([SECRET.encode()])
    engine = create_engine(url)
    store = ReportStore(engine, keyring)
    policy = Policy(ruleset, load_units(ruleset.supported_units), keyring)
    worker = EscalationWorker(engine, policy, {}, clock=ManualClock())
    wake = worker.waker.subscribe()
    worker.waker.hook_commits()
    cpu, left = 0.0, reports
    while left:
        step = min(per_wake or left, left)
        for _ in range(step):
            await store.submit(make_draft(keyring, severity="high"))
        left -= step
        started = time.process_time()
        while True:  # as the worker's loop: again while busy or woken
            wake.clear()
            if await worker.route_once():
                continue
            for _ in range(3):  # let the commit hook's wake-up run
                await asyncio.sleep(0)
            if not wake.is_set():
                break
        cpu += time.process_time() - started
    worker.waker.unhook()
    await engine.dispose()
    return {"reports": reports, "per_wake": per_wake, "cpu_ms_per_report": 1000 * cpu / reports}


async def main(args: argparse.Namespace) -> None:
    if not reachable(POSTGRES_ADMIN_URL):
        sys.exit(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}")
    print(f"Redis wake-ups: {'on' if reachable(REDIS_URL) else 'off'}; workers: {args.workers}")
    runs = (
        ("latency", lambda url: latency(url, args.reports, args.rate, args.workers)),
        (
            "throughput, Telegram limits",
            lambda url: throughput(url, args.backlog, 25, args.workers),
        ),
        (
            "throughput, raised bot limit",
            lambda url: throughput(url, args.backlog, 1000, args.workers),
        ),
        ("routing", lambda url: routing_cpu(url, args.routed, args.per_wake)),
    )
    for label, run in runs:
        if label.split(",")[0] not in args.phases.split(","):
            continue
        url, name = await create_database()
        try:
            figures = await run(url)
        finally:
            await drop_database(name)
        shown = ", ".join(
            f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}"
            for key, value in figures.items()
        )
        print(f"{label}: {shown}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200, help="reports for the latency run")
    parser.add_argument("--rate", type=float, default=20.0, help="reports per second committed")
    parser.add_argument("--backlog", type=int, default=2000, help="alerts for throughput runs")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--routed", type=int, default=500, help="reports for the routing run")
    parser.add_argument("--per-wake", type=int, default=1, help="routing run: reports per wake")
    parser.add_argument(
        "--phases", default="latency,throughput", help="which runs: latency, throughput, routing"
    )
    asyncio.run(main(parser.parse_args()))
