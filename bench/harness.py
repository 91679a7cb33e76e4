"""What the channel load benchmarks share: a scratch database, server processes, figures.

Each benchmark runs the server under test and the bare baseline in processes of their own (so
the load generator does not share their event loop) against a fresh PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from aiohttp import web

from tests.servers import POSTGRES_ADMIN_URL, reachable

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def fresh_database(prefix: str = "tocsin_bench") -> str:
    """A new, migrated PostgreSQL database for this run (SQLAlchemy URL)."""
    from reports.database import upgrade_schema

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    await upgrade_schema(url)
    return url


async def named_database(name: str, seed: Any, marker: str) -> tuple[str, bool]:
    """A kept PostgreSQL database `name`, seeded once by `await seed(url)` and reused by later
    runs (seeding a hundred thousand reports takes minutes). `marker` tells one seeding from
    another (size, seed version): a database with another marker, or whose seeding did not
    finish, is dropped and seeded again. The schema is migrated on every run, so a database
    seeded before a new migration gets it (and its backfill). Returns (url, reused)."""
    from reports.database import upgrade_schema

    admin = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        if exists:
            connection = await asyncpg.connect(asyncpg_dsn(url))
            try:
                found = await connection.fetchval(
                    "SELECT to_regclass('bench_seeded') IS NOT NULL"
                ) and await connection.fetchval("SELECT marker FROM bench_seeded LIMIT 1")
            finally:
                await connection.close()
            if found == marker:
                await upgrade_schema(url)
                return url, True
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    await upgrade_schema(url)
    await seed(url)
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.execute("CREATE TABLE bench_seeded (marker text NOT NULL)")
        await connection.execute("INSERT INTO bench_seeded VALUES ($1)", marker)
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return url, False


async def drop_database(url: str) -> None:
    """Drop the database of `url` (or of that name)."""
    admin = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[-1]}" WITH (FORCE)')
    finally:
        await admin.close()


async def serve_baseline(database_url: str, port: int, path: str) -> None:
    """The bare handler: read the body, insert it, answer 200. No checks, no parsing."""
    pool = await asyncpg.create_pool(asyncpg_dsn(database_url), min_size=10, max_size=30)
    await pool.execute(
        "CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, body bytea)"
    )

    async def accept(request: web.Request) -> web.Response:
        await pool.execute("INSERT INTO bench_raw (body) VALUES ($1)", await request.read())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post(path, accept)
    await serve_forever(app, port)


async def serve_forever(app: web.Application, port: int) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=2048).start()
    await asyncio.Event().wait()


async def start_process(*args: str, port: int, env: dict[str, str] | None = None) -> Any:
    """`python ARGS` from the repository root, once it answers HTTP on `port`."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, cwd=str(ROOT), env={**os.environ, **(env or {})}
    )
    deadline = time.monotonic() + 300
    while not reachable(f"http://127.0.0.1:{port}"):
        if process.returncode is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server {args} did not start")
        await asyncio.sleep(0.2)
    return process


async def stop_process(process: Any) -> None:
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        process.kill()


async def count_reports(url: str, channel: str) -> dict[str, int]:
    """Reports the channel stored, and by how many distinct reporters (a duplicate shows)."""
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        row = await connection.fetchrow(
            "SELECT count(*) AS reports, count(DISTINCT reporter_pseudonym) AS reporters "
            "FROM reports WHERE channel = $1",
            channel,
        )
        return {"reports": int(row["reports"]), "reporters": int(row["reporters"])}
    finally:
        await connection.close()


def show_acceptance(results: dict[str, Any], server: str, unit: str) -> None:
    """Part (a) of a channel benchmark: the channel's webhook beside the bare baseline."""
    for name in ("baseline", server):
        r = results[name]
        print(
            f"(a) {name:9} {r['per_second']:8.0f} {unit}/s  p50 {r['p50_ms']:6.1f} ms"
            f"  p99 {r['p99_ms']:6.1f} ms  failures {r['failures']}"
        )
    print(f"(a) {server} / baseline = {results['ratio']:.0%}  (goal >= 40%, p99 <= 50 ms)")


def conversation_figures(
    first: list[float], turns: list[float], people: int, done: list[str], stored: dict[str, int]
) -> dict[str, Any]:
    """Part (b)'s shared figures: latency to the first answer and to the turn's end, and
    reports lost (a person never saw a reference) or duplicated (stored twice)."""
    return {
        "first_reply_p50_ms": 1000 * percentile(first, 0.5),
        "first_reply_p99_ms": 1000 * percentile(first, 0.99),
        "turn_p50_ms": 1000 * percentile(turns, 0.5),
        "turn_p99_ms": 1000 * percentile(turns, 0.99),
        "mean_turn_ms": 1000 * statistics.fmean(turns) if turns else 0.0,
        "lost": people - len(set(done)),
        "duplicated": stored["reports"] - stored["reporters"],
        "stored": stored["reports"],
    }
