"""Benchmark: monitors' one-message templates and files of reports, through the engine.

Uses the real NLU and storage. Prints templates parsed and stored per second (one monitor
back-to-back, and many monitors at once) and the time to import a 1,000-row CSV and XLSX file
sent in the chat. Goals (issue 6): >= 200 templates/s on PostgreSQL, a 1,000-row import <= 10 s.

    .venv/bin/python bench/monitors.py [--templates 1000] [--rows 1000] [--monitors 20]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook

from bot.engine import ConversationEngine
from bot.messages import InboundMessage, MediaRef
from bot.monitors.bulk import XLSX_MIME
from bot.monitors.reading import Reporter, read_report
from bot.monitors.template import split_template
from reports.monitors import MonitorStore
from tocsin.app import build_app, build_nlu
from tocsin.settings import Settings

WHAT = ["killing", "arrest", "pillage", "soldiers beat people", "arbitrary_detention", "extortion"]
WHERE = ["Mopti", "Gao", "Bamako", "Ouagadougou", "Djibo", "14.4843,-4.1830", "Niamey"]
WHEN = ["yesterday 18:00", "hier soir", "2025-03-12 18:00", "yesterday morning", "12 March"]
WHO = ["army", "gendarmes", "police", "FAMa", "militia"]
VICTIMS = ["2", "3 men, 1 child", "3 hommes", "5"]
SOURCES = ["A1", "B2", "C3", "F6"]


def template(rng: random.Random) -> str:
    return (
        f"#report what: {rng.choice(WHAT)}; where: {rng.choice(WHERE)}; "
        f"when: {rng.choice(WHEN)}; who: {rng.choice(WHO)}; victims: {rng.choice(VICTIMS)}; "
        f"danger: no; source: {rng.choice(SOURCES)}; text: seen at the market, several witnesses"
    )


def rows(count: int, rng: random.Random) -> list[list[str]]:
    header = ["what", "where", "when", "who", "victims", "source", "text"]
    return [header] + [
        [
            rng.choice(WHAT),
            rng.choice(WHERE),
            rng.choice(WHEN),
            rng.choice(WHO),
            rng.choice(VICTIMS),
            rng.choice(SOURCES),
            "seen at the market",
        ]
        for _ in range(count)
    ]


def as_csv(table: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    return buffer.getvalue().encode()


def as_xlsx(table: list[list[str]]) -> bytes:
    book = Workbook()
    for row in table:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parse_only(nlu: object, count: int) -> float:
    """Templates split and read per second, without the engine or the database."""
    rng = random.Random(3)
    messages = [template(rng) for _ in range(count)]
    reporter = Reporter("bench", "p", "Bench Watch")
    now = datetime.now(UTC)
    started = time.perf_counter()
    for message in messages:
        for raw in split_template(message, "en"):
            read_report(raw, nlu=nlu, language=raw.language("en"), now=now, reporter=reporter)  # type: ignore[arg-type]
    return count / (time.perf_counter() - started)


async def enrol(engine: ConversationEngine, monitors: MonitorStore, count: int) -> list[str]:
    senders = []
    for _ in range(count):
        sender = uuid.uuid4().hex
        code = (await monitors.create_invite("Bench Watch", timedelta(days=1))).code
        await engine.handle(
            InboundMessage(channel="bench", sender_id=sender, text=f"/monitor {code}")
        )
        senders.append(sender)
    return senders


async def send_templates(engine: ConversationEngine, sender: str, count: int, seed: int) -> int:
    rng = random.Random(seed)
    stored = 0
    for _ in range(count):
        replies = await engine.handle(
            InboundMessage(channel="bench", sender_id=sender, text=template(rng))
        )
        stored += sum("TX-" in reply.text for reply in replies)
    return stored


async def send_file(engine: ConversationEngine, sender: str, content: bytes, kind: str) -> str:
    async def fetch() -> bytes:
        return content

    mime, name = (XLSX_MIME, "trip.xlsx") if kind == "xlsx" else ("text/csv", "trip.csv")
    media = MediaRef("document", fetch, mime, len(content), name)
    replies = await engine.handle(InboundMessage(channel="bench", sender_id=sender, media=media))
    return replies[0].text.splitlines()[0]


async def bench(label: str, settings: Settings, args: argparse.Namespace, nlu: object) -> None:
    app = await build_app(settings, nlu=nlu)  # type: ignore[arg-type]
    try:
        engine = app.conversation
        monitors = MonitorStore(app.database, app.keyring)
        senders = await enrol(engine, monitors, args.monitors)
        await send_templates(engine, senders[0], 20, 0)  # warm-up
        started, cpu = time.perf_counter(), time.process_time()
        stored = await send_templates(engine, senders[0], args.templates, 1)
        alone = stored / (time.perf_counter() - started)
        cpu_ms = (time.process_time() - cpu) / max(stored, 1) * 1000
        parse_rate = parse_only(nlu, args.templates)
        share = args.templates // len(senders)
        started = time.perf_counter()
        counts = await asyncio.gather(
            *(send_templates(engine, s, share, i) for i, s in enumerate(senders))
        )
        together = sum(counts) / (time.perf_counter() - started)
        table = rows(args.rows, random.Random(2))
        timings = {}
        for kind, content in (("csv", as_csv(table)), ("xlsx", as_xlsx(table))):
            started = time.perf_counter()
            first_line = await send_file(engine, senders[-1], content, kind)
            timings[kind] = (time.perf_counter() - started, first_line)
    finally:
        await app.close()
    print(f"\n== {label}")
    print(f"  parsing and reading alone (no storage): {parse_rate:.0f} templates/s")
    print(f"  one monitor back-to-back: {alone:.0f} templates parsed and stored per second")
    print(f"    ({cpu_ms:.1f} ms of this process's CPU each: {1000 / cpu_ms:.0f}/s per free core)")
    print(f"  {len(senders)} monitors at once: {together:.0f} templates/s")
    for kind, (seconds, first_line) in timings.items():
        print(f"  {args.rows}-row {kind.upper()} sent in the chat: {seconds:.2f} s ({first_line})")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--templates", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--monitors", type=int, default=20)
    parser.add_argument(
        "--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    scratch = Path("/tmp") / f"tocsin-bench-{uuid.uuid4().hex[:8]}"
    scratch.mkdir()
    base = {"secret_key": "bench-secret-key-0123456789abcdef", "_env_file": None}
    nlu = build_nlu(Settings(**base))
    import asyncpg

    admin = args.postgres.replace("+asyncpg", "")
    name = f"tocsin_bench_{uuid.uuid4().hex[:8]}"
    try:
        connection = await asyncpg.connect(admin)
    except OSError as error:
        print(f"\nPostgreSQL not reachable ({error}); skipped")
    else:
        await connection.execute(f'CREATE DATABASE "{name}"')
        try:
            url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
            await bench("PostgreSQL", Settings(database_url=url, **base), args, nlu)
        finally:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.close()
    sqlite = Settings(database_url=f"sqlite+aiosqlite:///{scratch / 'bench.db'}", **base)
    await bench("SQLite", sqlite, args, nlu)


if __name__ == "__main__":
    asyncio.run(main())
