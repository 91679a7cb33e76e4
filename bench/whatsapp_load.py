"""Benchmark: the WhatsApp channel under load, on PostgreSQL and Redis.

(a) Durable acceptance. Signed webhook deliveries (one message for three status callbacks, as
    Meta sends about three per outbound message) are posted to the channel's webhook, which
    checks every signature, commits messages to the inbox and statuses to the ledger before
    answering 200. Beside it, in the same run and with the same load, a bare aiohttp + asyncpg
    handler that only inserts the raw body. Prints deliveries/s and p50/p99 to the 200.
    Goal: >= 40% of the baseline's rate, p99 <= 50 ms.
(b) Whole conversations. `tocsin run` in its own process; N simulated people (default 500)
    report at once through signed webhooks; the fake Graph API (outbound rate limit lifted)
    takes the answers and posts three signed status callbacks for each back to the webhook.
    Prints person messages/s, all deliveries/s, p50/p99 from a message to the first answer
    and to the end of the turn, and lost / duplicated reports.
    Goal: >= 500 messages/s, p99 <= 250 ms, zero lost, zero duplicated.

    .venv/bin/python bench/whatsapp_load.py [--deliveries 20000] [--people 500] [--part a|b]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from aiohttp import web

from bench.harness import (
    conversation_figures,
    count_reports,
    drop_database,
    free_port,
    fresh_database,
    percentile,
    serve_baseline,
    serve_forever,
    show_acceptance,
    start_process,
    stop_process,
)
from bench.measure import cpu_seconds, machine_busy_seconds
from tests.fakes.whatsapp import (
    FakeGraphAPI,
    Person,
    message_webhook,
    new_wamid,
    sign,
    status_webhook,
    text,
)
from tests.fakes.whatsapp_people import STORIES, Reporter
from tests.servers import POSTGRES_ADMIN_URL, REDIS_URL, reachable

APP_SECRET = "bench-app-secret"
VERIFY_TOKEN = "bench-verify-token"
SECRET_KEY = "bench-secret-key-0123456789abcdef0123456789"


# --- servers (each in its own process) ----------------------------------------------------


async def serve_acceptance(database_url: str, port: int) -> None:
    """The channel's webhook exactly as `tocsin run` wires it, without the conversations."""
    from bot.channels.whatsapp_store import WhatsAppLedger
    from bot.channels.whatsapp_webhook import WhatsAppWebhook
    from bot.inbox import Inbox
    from reports.database import create_engine
    from tocsin.app import connect_redis, load_keyring
    from tocsin.settings import Settings

    settings = Settings(_env_file=None, database_url=database_url, secret_key=SECRET_KEY)
    keyring = load_keyring(settings)
    database = create_engine(database_url)
    redis = await connect_redis(REDIS_URL)
    ledger = WhatsAppLedger(database)
    app = web.Application()
    WhatsAppWebhook(
        app_secret=APP_SECRET,
        verify_token=VERIFY_TOKEN,
        phone_number_id=FakeGraphAPI().phone_number_id,
        inbox=Inbox(database, keyring, redis),
        ledger=ledger,
        keyring=keyring,
    ).add_routes(app, "/webhook")
    await serve_forever(app, port)


# --- (a) durable acceptance ---------------------------------------------------------------


def deliveries(count: int) -> list[tuple[bytes, str]]:
    """Signed bodies: one message for every three status callbacks, each unique."""
    people = [Person(bsuid=f"ML.{10**15 + n}", phone=f"2237{n:07d}") for n in range(200)]
    bodies = []
    for number in range(count):
        person = people[number % len(people)]
        if number % 4 == 0:
            body = message_webhook(person, text("soldiers at the market"), wamid=new_wamid())
        else:
            status = ("sent", "delivered", "read")[number % 4 - 1]
            body = status_webhook(new_wamid(), status, person.phone or "")
        raw = json.dumps(body).encode()
        bodies.append((raw, sign(raw, APP_SECRET)))
    return bodies


async def hammer(url: str, bodies: list[tuple[bytes, str]], concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    failures = 0
    queue = iter(bodies)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal failures
            for raw, signature in queue:
                headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
                started = time.perf_counter()
                async with session.post(url, data=raw, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        failures += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "per_second": len(bodies) / elapsed,
        "p50_ms": 1000 * percentile(latencies, 0.5),
        "p99_ms": 1000 * percentile(latencies, 0.99),
        "failures": failures,
    }


async def part_a(count: int, concurrency: int) -> dict[str, Any]:
    url = await fresh_database()
    results: dict[str, Any] = {}
    try:
        for name, mode in (("baseline", "serve-baseline"), ("whatsapp", "serve-acceptance")):
            port = free_port()
            server = await start_process(
                str(Path(__file__)), mode, "--database", url, "--port", str(port), port=port
            )
            try:
                target = f"http://127.0.0.1:{port}/webhook"
                await hammer(target, deliveries(500), concurrency)  # warm-up
                results[name] = await hammer(target, deliveries(count), concurrency)
            finally:
                await stop_process(server)
    finally:
        await drop_database(url)
    results["ratio"] = results["whatsapp"]["per_second"] / results["baseline"]["per_second"]
    return results


# --- (b) whole conversations --------------------------------------------------------------


async def part_b(people: int) -> dict[str, Any]:
    url = await fresh_database()
    port = free_port()
    graph = await FakeGraphAPI().start()
    graph.webhook_url = f"http://127.0.0.1:{port}/whatsapp/webhook"
    graph.app_secret = APP_SECRET
    env = {
        "TOCSIN_DATABASE_URL": url,
        "TOCSIN_REDIS_URL": REDIS_URL,
        "TOCSIN_SECRET_KEY": SECRET_KEY,
        "TOCSIN_HTTP_PORT": str(port),
        "TOCSIN_LOG_LEVEL": "WARNING",
        "TOCSIN_WHATSAPP_TOKEN": graph.token,
        "TOCSIN_WHATSAPP_PHONE_NUMBER_ID": graph.phone_number_id,
        "TOCSIN_WHATSAPP_APP_SECRET": APP_SECRET,
        "TOCSIN_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "TOCSIN_WHATSAPP_GRAPH_URL": graph.base_url,
        "TOCSIN_WHATSAPP_MESSAGES_PER_SECOND": "1000000",  # the fake has no limit to respect
    }
    server = await start_process("-m", "tocsin", "run", port=port, env=env)
    connector = aiohttp.TCPConnector(limit=1000)
    session = aiohttp.ClientSession(connector=connector)
    webhook = f"http://127.0.0.1:{port}/whatsapp/webhook"

    async def post(raw: bytes) -> int:
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(raw, APP_SECRET)}
        async with session.post(webhook, data=raw, headers=headers) as response:
            return response.status

    rng = random.Random(7)
    reporters = []
    for number in range(people):
        bsuid = f"{rng.choice(['ML', 'BF', 'NE', 'SD'])}.{10**16 + number}"
        phone = None if number % 5 == 0 else f"2236{number:07d}"  # one in five: a username
        language = ("en", "fr", "ar")[number % 3]
        reporter = Reporter(Person(bsuid=bsuid, phone=phone), language, graph, post)
        reporter.turn_timeout = 900.0  # an overloaded machine is slow, not lossy
        reporters.append(reporter)

    async def report(reporter: Reporter) -> str | None:
        try:
            return await reporter.finish(await reporter.say(text(STORIES[reporter.language])))
        except (TimeoutError, AssertionError, aiohttp.ClientError):
            return None

    try:
        cpu_before, machine_before = cpu_seconds(server.pid), machine_busy_seconds()
        started = time.perf_counter()
        references = await asyncio.gather(*(report(reporter) for reporter in reporters))
        elapsed = time.perf_counter() - started
        server_cpu = cpu_seconds(server.pid) - cpu_before
        machine_cpu = machine_busy_seconds() - machine_before
        await asyncio.sleep(1.0)  # the last status callbacks
        stored = await count_reports(url, "whatsapp")
    finally:
        await session.close()
        await stop_process(server)
        await graph.close()
        await drop_database(url)
    timings = [timing for reporter in reporters for timing in reporter.timings]
    first = [t.first_reply_seconds for t in timings if t.first_reply_seconds is not None]
    whole = [t.turn_seconds for t in timings if t.turn_seconds is not None]
    done = [reference for reference in references if reference]
    return {
        "people": people,
        "messages": len(timings),
        "seconds": elapsed,
        "messages_per_second": len(timings) / elapsed,
        "server_cpu_ms_per_message": 1000 * server_cpu / max(len(timings), 1),
        "machine_cpu_ms_per_message": 1000 * machine_cpu / max(len(timings), 1),
        "deliveries_per_second": (len(timings) + graph.callbacks_posted) / elapsed,
        "status_callbacks": graph.callbacks_posted,
        **conversation_figures(first, whole, people, done, stored),
    }


# --- command line ---------------------------------------------------------------------------


def show(results: dict[str, Any]) -> None:
    if "a" in results:
        show_acceptance(results["a"], "whatsapp", "deliveries")
    if "b" in results:
        b = results["b"]
        print(
            f"(b) {b['people']} people, {b['messages']} messages in {b['seconds']:.1f} s: "
            f"{b['messages_per_second']:.0f} messages/s, {b['deliveries_per_second']:.0f} "
            f"deliveries/s with {b['status_callbacks']} status callbacks"
        )
        print(
            f"(b) CPU per person message (its status callbacks included): server "
            f"{b['server_cpu_ms_per_message']:.2f} ms, whole machine "
            f"{b['machine_cpu_ms_per_message']:.2f} ms"
        )
        print(
            f"(b) first answer p50 {b['first_reply_p50_ms']:.0f} ms  p99 "
            f"{b['first_reply_p99_ms']:.0f} ms; whole turn p50 {b['turn_p50_ms']:.0f} ms  "
            f"p99 {b['turn_p99_ms']:.0f} ms"
        )
        print(
            f"(b) reports stored {b['stored']}, lost {b['lost']}, duplicated {b['duplicated']}"
            "  (goal >= 500 messages/s, p99 <= 250 ms, none lost or duplicated)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", nargs="?", default="bench")
    parser.add_argument("--part", choices=("a", "b", "ab"), default="ab")
    parser.add_argument("--deliveries", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--database")
    parser.add_argument("--port", type=int)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.mode == "serve-baseline":
        asyncio.run(serve_baseline(args.database, args.port, "/webhook"))
        return
    if args.mode == "serve-acceptance":
        asyncio.run(serve_acceptance(args.database, args.port))
        return
    if not (reachable(POSTGRES_ADMIN_URL) and reachable(REDIS_URL)):
        sys.exit("needs PostgreSQL and Redis (TOCSIN_TEST_POSTGRES_URL, TOCSIN_TEST_REDIS_URL)")

    async def run() -> dict[str, Any]:
        results: dict[str, Any] = {}
        if "a" in args.part:
            results["a"] = await part_a(args.deliveries, args.concurrency)
        if "b" in args.part:
            results["b"] = await part_b(args.people)
        return results

    results = asyncio.run(run())
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        show(results)


if __name__ == "__main__":
    main()
