"""Staff desk under load: 100,000 reports on PostgreSQL, 50 staff browsing at once.

Usage: .venv/bin/python bench/staff.py [--reports 100000] [--staff 50] [--seconds 60] [--fresh]
                                       [--processes 1] [--reading 0.2-1.0]

Seeds a database of its own once (`tocsin_bench_staff_<n>_<key id>`, kept and reused by
later runs; `--fresh` seeds again) (reports sealed as storage seals them, grouped into
incidents, one in ten confidential), opens one session per staff member (viewers, analysts
and confidential staff), serves the desk from a process of its own, and lets every member
browse: a filtered first page of the case list, then one of its cases, with 0.2 to 1 s of
reading between pages (`--reading LOW-HIGH` changes that; the figures then say so).
`--processes N` serves the desk as `tocsin web --processes N` does: N processes on one port
(SO_REUSEPORT); each also answers its own figures on a port of its own, and the CPU per page
is the sum of their CPU over every page they served.
Server time is measured by a middleware around the desk's handlers (what the server spends,
queueing on its own event loop included); the client's latency is printed beside it.
Targets (issue #15): filtered first page p95 <= 150 ms, case page p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web
from yarl import URL

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (
    ROOT,
    asyncpg_dsn,
    drop_database,
    free_port,
    named_database,
    percentile,
)

SECRET = "bench-secret-key-for-the-staff-desk-0123456789"
CATEGORIES = ("killing", "physical_assault", "arbitrary_detention", "extortion_corruption")
CATEGORIES += ("property_destruction_looting", "threat_intimidation", "sexual_violence")
STATUSES = ("received", "triaged", "under_verification", "verified", "dismissed")
SEVERITIES = ("low", "medium", "high", "critical")
COUNTRIES = ("ML", "BF", "NE")
ROLES = ("community", "monitor")
FILTERS = (
    "status=received&country=ML",
    "category=killing&period=30d",
    "severity=high,critical",
    "needs_action=yes&country=BF",
    "role=monitor",
    "",
)


def _keyring() -> Any:
    from reports.keys import build_keyring

    return build_keyring(SECRET, ROOT / ".bench-staff.key")


async def seed(url: str, count: int) -> float:
    """Insert `count` reports in incidents of about three; returns the seconds it took."""
    from reports.sealing import field_context

    started = time.perf_counter()
    keyring = _keyring()
    chance = random.Random(15)
    now = datetime.now(UTC)
    reports, alerts, members = [], [], []
    for index in range(1, count + 1):
        reference = f"TX-{index:04X}-{chance.randrange(36**4):04X}"[:12]
        created = now - timedelta(seconds=chance.randrange(90 * 86400))
        category = chance.choice(CATEGORIES)
        text = keyring.encrypt_text(
            f"Report {index}: soldiers at the checkpoint",
            context=field_context(reference, "description"),
        )
        reports.append(
            (index, reference, "telegram", f"p{index % 5000:05d}", chance.choice(ROLES), "en",
             category, 0.8, "army", "{}", 2, 14.4 + chance.random(), -4.1 - chance.random(),
             "Mopti", f"Area {index % 40}", chance.choice(COUNTRIES), text,
             chance.choice(SEVERITIES), chance.choice(STATUSES), False, False, created, created)
        )  # fmt: skip
        alert_id = (index + 2) // 3
        if index % 3 == 1:
            confidential = category == "sexual_violence" or chance.random() < 0.05
            alerts.append(
                (alert_id, "incident", category, "high", "ML", confidential, 3,
                 chance.choice(("open", "acknowledged")), 1, created, created, "{}", 0, index)
            )  # fmt: skip
        members.append((index, alert_id, created))
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.copy_records_to_table(
            "reports",
            records=reports,
            columns=[
                "id", "reference", "channel", "reporter_pseudonym", "reporter_role", "language",
                "category", "category_confidence", "perpetrator", "affected_groups", "victims",
                "lat", "lon", "place", "admin_area", "country", "description_enc", "severity",
                "status", "consent_followup", "erased", "created_at", "updated_at",
            ],
        )  # fmt: skip
        await connection.copy_records_to_table(
            "escalation_alerts",
            records=alerts,
            columns=[
                "id", "kind", "category", "severity", "country", "confidential", "report_count",
                "state", "version", "created_at", "updated_at", "rules", "chain_level",
                "first_report_id",
            ],
        )  # fmt: skip
        await connection.copy_records_to_table(
            "escalation_alert_reports",
            records=members,
            columns=["report_id", "alert_id", "joined_at"],
        )
        await connection.execute("SELECT setval('reports_id_seq', $1)", count)
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return time.perf_counter() - started


async def open_sessions(url: str, staff: int) -> list[str]:
    """One account and one signed-in session per member (the sign-in itself is not measured)."""
    from escalation.clock import SystemClock
    from reports.database import create_engine
    from staff.accounts import Accounts
    from staff.models import StaffAccount
    from staff.sessions import SessionStore

    engine = create_engine(url)
    keyring = _keyring()
    roles = ("viewer", "analyst", "confidential")
    tokens = []
    try:
        accounts = Accounts(engine, keyring)
        store = SessionStore(engine, SystemClock())
        for number in range(staff):
            info, _uri = await accounts.add(
                f"staff{number}@bench.example.org",
                roles[number % 3],
                "bench pass phrase",
                None,
                "bench",
            )
            tokens.append(await store.open(info.id, "full"))
        del StaffAccount
    finally:
        await engine.dispose()
    return tokens


async def close_sessions(url: str) -> None:
    """The kept database loses this run's accounts and sessions (the reports stay)."""
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.execute(
            "DELETE FROM staff_sessions WHERE account_id IN "
            "(SELECT id FROM staff_accounts WHERE email LIKE '%@bench.example.org')"
        )
        await connection.execute(
            "DELETE FROM staff_accounts WHERE email LIKE '%@bench.example.org'"
        )
    finally:
        await connection.close()


def serve(url: str, port: int, figures_port: int, processes: int) -> None:
    """The desk alone in this process, with a middleware that times each handler; with
    several processes, this one shares `port` with the others (SO_REUSEPORT) and answers
    its own figures on `figures_port`."""
    from reports.database import create_engine
    from reports.storage import ReportStore
    from staff.app import mount
    from staff.context import StaffContext
    from tocsin.commands.run import event_loop_factory

    times: dict[str, list[float]] = {"list": [], "case": [], "other": []}

    @web.middleware
    async def timing(request: web.Request, handler: Any) -> web.StreamResponse:
        started = time.perf_counter()
        try:
            return await handler(request)
        finally:
            path = request.path
            kind = "case" if path.startswith("/staff/reports/") else "other"
            kind = "list" if path == "/staff/" else kind
            times[kind].append(time.perf_counter() - started)

    cpu_at_start = time.process_time()

    async def report(request: web.Request) -> web.Response:
        # the server process's CPU: what its pages cost, whatever else the machine runs
        return web.json_response({**times, "cpu_seconds": [time.process_time() - cpu_at_start]})

    async def main() -> None:
        # the pool of one process, shared out (PostgreSQL's max_connections holds them all)
        engine = create_engine(
            url, pool_size=max(10, 30 // processes), max_overflow=max(2, 10 // processes)
        )
        keyring = _keyring()
        app = web.Application(middlewares=[timing])
        mount(
            app, StaffContext(database=engine, keyring=keyring, store=ReportStore(engine, keyring))
        )
        figures = web.Application()
        figures.router.add_get("/bench/times", report)
        runner = web.AppRunner(app, access_log=None)
        figures_runner = web.AppRunner(figures, access_log=None)
        await runner.setup()
        await figures_runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port, reuse_port=processes > 1 or None).start()
        await web.TCPSite(figures_runner, "127.0.0.1", figures_port).start()
        print("ready", flush=True)
        await asyncio.Event().wait()

    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(main())


async def browse(
    base: str,
    token: str,
    until: float,
    chance: random.Random,
    seen: dict,
    reading: tuple[float, float] = (0.2, 1.0),
) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    jar.update_cookies({"tocsin_staff": token}, URL(base + "/staff/"))
    async with aiohttp.ClientSession(cookie_jar=jar) as client:
        while time.monotonic() < until:
            query = chance.choice(FILTERS)
            started = time.perf_counter()
            async with client.get(f"{base}/staff/?{query}") as response:
                page = await response.text()
                assert response.status == 200, response.status
            seen["list"].append(time.perf_counter() - started)
            references = [part.split('"')[0] for part in page.split('data-reference="')[1:]]
            await asyncio.sleep(chance.uniform(*reading))
            if references:
                started = time.perf_counter()
                async with client.get(
                    f"{base}/staff/reports/{chance.choice(references)}"
                ) as response:
                    await response.read()
                    assert response.status == 200, response.status
                seen["case"].append(time.perf_counter() - started)
                await asyncio.sleep(chance.uniform(*reading))


def _figures(name: str, values: list[float]) -> dict[str, float]:
    return {
        f"{name}_n": len(values),
        f"{name}_p50_ms": round(percentile(values, 0.5) * 1000, 1),
        f"{name}_p95_ms": round(percentile(values, 0.95) * 1000, 1),
    }


async def run(
    reports: int,
    staff: int,
    seconds: float,
    fresh: bool,
    processes: int = 1,
    reading: tuple[float, float] = (0.2, 1.0),
) -> dict[str, Any]:
    # named after the sealing key too: another checkout (its own key file) gets its own
    name = f"tocsin_bench_staff_{reports}_{_keyring().current_key_id[:8]}"
    if fresh:
        await drop_database(name)
    seeded: list[float] = []

    async def seed_once(url: str) -> None:
        seeded.append(await seed(url, reports))

    url, _reused = await named_database(name, seed_once, f"staff-v1-{reports}")
    servers: list[subprocess.Popen[str]] = []
    try:
        await close_sessions(url)  # a run that was cut short may have left its own
        tokens = await open_sessions(url, staff)
        port = free_port()
        figures_ports = [free_port() for _ in range(processes)]
        for figures_port in figures_ports:
            servers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bench.staff", "--serve", url, "--port", str(port),
                     "--figures-port", str(figures_port), "--processes", str(processes)],
                    stdout=subprocess.PIPE, text=True, cwd=ROOT,
                )
            )  # fmt: skip
        for server in servers:
            assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        base = f"http://127.0.0.1:{port}"
        seen: dict[str, list[float]] = {"list": [], "case": []}
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(
                browse(base, token, until, random.Random(n), seen, reading)
                for n, token in enumerate(tokens)
            )
        )
        times: dict[str, list[float]] = {"list": [], "case": [], "other": [], "cpu_seconds": []}
        pages_per_process = []
        async with aiohttp.ClientSession() as client:
            for figures_port in figures_ports:
                address = f"http://127.0.0.1:{figures_port}/bench/times"
                async with client.get(address) as answer:
                    own = await answer.json()
                pages_per_process.append(len(own["list"]) + len(own["case"]))
                for name, values in own.items():
                    times[name] += values
        served = len(times["list"]) + len(times["case"])
        return {
            "reports": reports,
            "staff": staff,
            "seconds": seconds,
            "processes": processes,
            "reading_seconds": f"{reading[0]}-{reading[1]}",
            "pages_per_process": pages_per_process,
            "seed_seconds": round(seeded[0], 1) if seeded else "reused",
            **_figures("server_list", times["list"]),
            **_figures("server_case", times["case"]),
            **_figures("client_list", seen["list"]),
            **_figures("client_case", seen["case"]),
            "pages_per_second": round((len(seen["list"]) + len(seen["case"])) / seconds, 1),
            "server_cpu_ms_per_page": round(sum(times["cpu_seconds"]) * 1000 / max(served, 1), 2),
            "load_average": Path("/proc/loadavg").read_text().split()[0],
        }
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(10)
        await close_sessions(url)


def _reading(text: str) -> tuple[float, float]:
    low, _sep, high = text.partition("-")
    try:
        bounds = float(low), float(high or low)
    except ValueError:
        raise argparse.ArgumentTypeError("LOW-HIGH in seconds, e.g. 0.2-1.0") from None
    if not 0 <= bounds[0] <= bounds[1]:
        raise argparse.ArgumentTypeError("LOW-HIGH in seconds, e.g. 0.2-1.0")
    return bounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fresh", action="store_true", help="seed again even if seeded")
    parser.add_argument("--processes", type=int, default=1, help="desk processes on one port")
    parser.add_argument(
        "--reading",
        type=_reading,
        default=(0.2, 1.0),
        metavar="LOW-HIGH",
        help="seconds of reading between two pages (default 0.2-1.0)",
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--figures-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.figures_port, args.processes)
        return
    figures = asyncio.run(
        run(args.reports, args.staff, args.seconds, args.fresh, args.processes, args.reading)
    )
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
