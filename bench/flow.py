"""Benchmark: many people reporting at once through the engine (console-like channel).

Uses the real NLU and storage. Prints messages/s, p50/p99 time from message to reply, and the
memory one open conversation costs. Run on SQLite, and on PostgreSQL + Redis when reachable:

    .venv/bin/python bench/flow.py [--people 500] [--think 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.engine import ConversationEngine
from bot.messages import InboundMessage, OutboundMessage
from bot.sessions import MemorySessionStore, Session
from tocsin.app import build_app, build_nlu
from tocsin.settings import Settings

STORIES = [
    ("en", "Soldiers beat three men with sticks at the market in Mopti yesterday evening"),
    ("fr", "Des gendarmes ont arrêté mon frère à Ouagadougou hier soir"),
    ("ar", "قام جنود بضرب ثلاثة رجال في سوق موبتي مساء أمس"),
    ("en", "Police demanded money from every driver at the checkpoint near Gao this morning"),
    ("fr", "Des miliciens ont brûlé des maisons à Djibo la semaine dernière"),
]
ANSWERS = {
    "language": "1",
    "category": "1",
    "when": "2",
    "affected": "2 men",
    "force": "1",
    "danger": "2",
    "media": "1",
    "contact": "2",
    "summary": "1",
    "resume": "1",
}


def answer_for(reply: OutboundMessage) -> str:
    if reply.step == "place":
        return "1" if reply.choices and reply.choices[0].id in ("yes", "place:0") else "Mopti"
    return ANSWERS.get(reply.step or "", "1")


async def one_person(
    engine: ConversationEngine, latencies: list[float], think: float, done: list[int]
) -> None:
    language, story = random.choice(STORIES)
    sender = uuid.uuid4().hex
    text = "/start"
    for _ in range(20):
        inbound = InboundMessage(
            channel="bench", sender_id=sender, text=text, language_hint=language
        )
        started = time.perf_counter()
        replies = await engine.handle(inbound)
        latencies.append(time.perf_counter() - started)
        if any("TX-" in reply.text for reply in replies):
            done[0] += 1
            return
        question = replies[-1]
        text = story if question.step == "describe" else answer_for(question)
        if think:
            await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))


async def run_people(engine: ConversationEngine, people: int, think: float) -> dict[str, float]:
    latencies: list[float] = []
    done = [0]
    started = time.perf_counter()
    await asyncio.gather(*(one_person(engine, latencies, think, done) for _ in range(people)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "messages": len(latencies),
        "reports": done[0],
        "messages_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
    }


async def memory_per_conversation(engine: ConversationEngine, people: int) -> tuple[float, float]:
    """(bytes of process memory, bytes of sealed state) per open, half-told conversation."""
    sessions = MemorySessionStore(ttl_seconds=3600)
    original, engine.services.sessions = engine.services.sessions, sessions
    senders = [uuid.uuid4().hex for _ in range(people)]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for sender in senders:
        for text in ("/start", STORIES[0][1], "1"):
            await engine.handle(
                InboundMessage(channel="bench", sender_id=sender, text=text, language_hint="en")
            )
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    engine.services.sessions = original
    sealed = [len(raw) for raw in sessions._sessions.values()]
    sample = Session.from_json(next(iter(sessions._sessions.values())))
    assert sample.step, "conversations should be open"
    return (after - before) / people, statistics.mean(sealed)


async def bench(label: str, settings: Settings, people: int, think: float, nlu) -> None:
    app = await build_app(settings, nlu=nlu)
    try:
        await run_people(app.conversation, 20, 0)  # warm-up
        saturated = await run_people(app.conversation, people, 0)
        paced = await run_people(app.conversation, people, think) if think else None
        memory, sealed = await memory_per_conversation(app.conversation, min(people, 500))
    finally:
        await app.close()
    print(f"\n== {label}: {people} people at once")
    print(
        f"  back-to-back: {saturated['messages_per_s']:.0f} messages/s, "
        f"p50 {saturated['p50_ms']:.1f} ms, p99 {saturated['p99_ms']:.1f} ms, "
        f"{saturated['reports']} reports"
    )
    if paced:
        print(
            f"  with {think:.1f} s thinking time: {paced['messages_per_s']:.0f} messages/s, "
            f"p50 {paced['p50_ms']:.1f} ms, p99 {paced['p99_ms']:.1f} ms"
        )
    print(
        f"  memory per open conversation: {memory / 1024:.1f} KB in process, "
        f"{sealed / 1024:.2f} KB sealed session"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between answers")
    parser.add_argument(
        "--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    scratch = Path("/tmp") / f"tocsin-bench-{uuid.uuid4().hex[:8]}"
    scratch.mkdir()
    base = {"secret_key": "bench-secret-key-0123456789abcdef", "_env_file": None}
    nlu = build_nlu(Settings(**base))
    sqlite = Settings(database_url=f"sqlite+aiosqlite:///{scratch / 'bench.db'}", **base)
    await bench("SQLite, in-database sessions", sqlite, args.people, args.think, nlu)
    name = f"tocsin_bench_{uuid.uuid4().hex[:8]}"
    import asyncpg

    admin = args.postgres.replace("+asyncpg", "")
    try:
        connection = await asyncpg.connect(admin)
    except OSError as error:
        print(f"\nPostgreSQL not reachable ({error}); skipped")
        return
    await connection.execute(f'CREATE DATABASE "{name}"')
    try:
        postgres = Settings(
            database_url=args.postgres.rsplit("/", 1)[0] + f"/{name}", redis_url=args.redis, **base
        )
        await bench("PostgreSQL + Redis", postgres, args.people, args.think, nlu)
    finally:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
