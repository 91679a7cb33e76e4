"""Benchmark of the staff desk's analysis: exports and accountability figures at scale.

On a PostgreSQL database of its own (seeded once, kept as `tocsin_bench_analysis_groups_<n>`
and reused by later runs; `--fresh` seeds again), 100,000 reports with their incidents,
acknowledgements, reporter notices and pings are written; then, as a `confidential` reader
(every report visible, descriptions decrypted):

(a) the GeoJSON export of every report, through the same reader and writer as
    `GET /staff/exports/reports.geojson`: wall time and the growth of the process's peak
    memory (RSS) while it runs; target <= 10 s and <= 100 MB;
(b) the accountability figures (`GET /staff/api/metrics`) over all of them, five runs:
    target <= 500 ms; beside the wall time, the CPU time the database's backends spent
    (read from /proc when PostgreSQL runs on this machine), which a shared machine's load
    does not inflate as much.

The database's name changed when the figures started reading `report_groups` (migration
1200): a branch without that migration cannot open a database migrated past it, so each
keeps its own. The groups are checked before measuring (the figures would be silently short
without them).

    .venv/bin/python bench/staff_analysis.py [--reports 100000] [--fresh]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg

from bench.harness import asyncpg_dsn, drop_database, named_database
from reports.crypto import Keyring
from reports.database import create_engine
from staff.analysis.columns import Visibility
from staff.analysis.metrics import accountability
from staff.analysis.source import Scope, stream_records
from staff.analysis.writers import geojson_chunks
from staff.filters import CaseFilter, base_query
from tests.staff.analysis.seeding import T0, random_seeds, seed_reports

SECRET = b"bench-secret-key-for-tocsin-0123456789"
NOW = T0 + timedelta(days=100)


def rss_kb(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak() -> None:
    """Linux: writing 5 to clear_refs resets the peak RSS to the current RSS."""
    Path("/proc/self/clear_refs").write_text("5")


async def run(reports: int, fresh: bool) -> None:
    name = f"tocsin_bench_analysis_groups_{reports}"
    if fresh:
        await drop_database(name)
    keyring = Keyring([SECRET])

    async def seed(url: str) -> None:
        engine = create_engine(url)
        try:
            await seed_reports(engine, keyring, random_seeds(reports))
        finally:
            await engine.dispose()

    started = time.perf_counter()
    url, reused = await named_database(name, seed, f"analysis-v2-{reports}")
    what = "reused the seeded database" if reused else f"seeded {reports} reports"
    print(f"{what} {name} in {time.perf_counter() - started:.1f} s")
    await check_groups(url)
    engine = create_engine(url)
    try:
        scope = Scope(
            base_query(CaseFilter(), "confidential", NOW),
            Visibility(free_text=True, confidential=True),
        )
        await export_geojson(engine, keyring, scope)
        await figures(engine, scope, url)
    finally:
        await engine.dispose()


# Reports naming a group that has no `report_groups` row: none once migration 1200 ran.
UNGROUPED = """
    SELECT count(*) FROM reports r
    WHERE json_typeof(r.affected_groups) = 'object' AND r.affected_groups::text <> '{}'
      AND NOT EXISTS (SELECT 1 FROM report_groups g WHERE g.report_id = r.id)
"""


async def check_groups(url: str) -> None:
    """Stop if the seeded reports' groups are not all rows of `report_groups`."""
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        missing = await connection.fetchval(UNGROUPED)
    finally:
        await connection.close()
    if missing:
        raise SystemExit(f"{missing} seeded reports have no report_groups rows: run with --fresh")


async def database_pids(url: str) -> list[int]:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        name = url.rsplit("/", 1)[-1]
        query = "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()"
        return [row["pid"] for row in await connection.fetch(query, name)]
    finally:
        await connection.close()


def cpu_ms(pids: list[int]) -> float | None:
    """User and system CPU time of these processes, in ms (None: not readable here)."""
    total = 0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None
    return total * 1000 / os.sysconf("SC_CLK_TCK")


async def export_geojson(engine, keyring, scope) -> None:
    reset_peak()
    before = rss_kb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    size = features = 0
    async for chunk in geojson_chunks(
        stream_records(engine, scope, keyring), scope.visibility.record_fields()
    ):
        size += len(chunk)
        features += chunk.count(b'"Feature"')
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    growth_mb = (rss_kb("VmHWM") - before) / 1024
    print(
        f"GeoJSON export: {features} features, {size / 1e6:.1f} MB in {elapsed:.2f} s "
        f"(this process's CPU {cpu:.2f} s; target <= 10 s); "
        f"peak memory growth {growth_mb:.1f} MB (target <= 100 MB)"
    )


async def figures(engine, scope, url: str) -> None:
    await accountability(engine, scope, NOW)  # the pool's connections open before timing
    pids = await database_pids(url)
    timings, spent = [], []
    for _ in range(5):
        before = cpu_ms(pids)
        started = time.perf_counter()
        table = await accountability(engine, scope, NOW)
        timings.append((time.perf_counter() - started) * 1000)
        after = cpu_ms(pids)
        if before is not None and after is not None:
            spent.append(after - before)
    overall = table["all"][0]
    print(
        f"accountability figures over {overall.reports} reports: median "
        f"{statistics.median(timings):.0f} ms, worst {max(timings):.0f} ms of 5 runs "
        f"(target <= 500 ms); ack median {overall.ack_median:.0f} s, "
        f"feedback share {overall.with_feedback / overall.reports:.2f}"
    )
    if spent:
        print(f"database CPU per run: median {statistics.median(spent):.0f} ms")
    print(f"machine load average while measuring: {Path('/proc/loadavg').read_text().split()[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true", help="seed again even if seeded")
    args = parser.parse_args()
    asyncio.run(run(args.reports, args.fresh))


if __name__ == "__main__":
    main()
