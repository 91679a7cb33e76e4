"""Benchmark: the Telegram channel under load, on PostgreSQL and Redis.

(a) Durable acceptance. Webhook updates (private text messages of 200 chats, each update new)
    are posted with the secret header to the channel's webhook, which checks the secret, routes
    the update, seals it and commits it to the inbox before answering 200. Beside it, in the same
    run with the same load generator, a bare aiohttp + asyncpg handler that only inserts the raw
    update. Each server runs in its own process. Prints updates/s and p50/p99 to the 200.
    Goal: >= 40% of the baseline's rate, p99 <= 50 ms.
(b) Whole conversations. `tocsin run` in webhook mode in its own process, outgoing pacing lifted
    (TOCSIN_TELEGRAM_RATE_LIMITS=false: the fake has no limits; `--limits` keeps it on); N simulated
    people (default 500) tell their story at once and press the buttons of each question until they
    see their reference; the fake Bot API takes the answers. Prints updates/s, p50/p99 from an
    update to the first reply and to the end of the turn, lost / duplicated reports, and CPU per
    update (of the server, and of the whole machine). With `--think 0` people answer the instant
    they see a question: the rate is the capacity and latency is queueing (with N people waiting,
    p99 >= N / rate). With `--think S` they take S seconds on average, as people do. Goal: >= 500
    updates/s, p99 <= 250 ms, zero lost, zero duplicated. The server's CPU is counted from the
    moment it is idle after start-up (the NLU warms up in a thread), and the bare-insert baseline's
    CPU per update is measured after it, for the ratio. BENCH_PYSPY=<file> samples the server with
    py-spy during that window (collapsed stacks).

    .venv/bin/python bench/telegram_load.py [--updates 20000] [--people 500] [--processes 1]
                                            [--part a|b|ab] [--think 0.0] [--limits]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import shutil
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from aiohttp import web

from bench.harness import (
    conversation_figures,
    count_reports,
    drop_database,
    free_port,
    percentile,
    serve_baseline,
    serve_forever,
    show_acceptance,
    start_process,
    stop_process,
)
from bench.harness import fresh_database as scratch_database
from bench.measure import cpu_seconds, machine_busy_seconds
from tests.fakes.telegram import Call, FakeTelegram
from tests.servers import POSTGRES_ADMIN_URL, REDIS_URL, reachable

SECRET_KEY = "bench-secret-key-0123456789abcdef0123456789"
WEBHOOK_SECRET = "bench-webhook-secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
REFERENCE = re.compile(r"TX-[A-Z0-9]{4}-[A-Z0-9]{4}")
STORIES = {
    "en": "Soldiers beat three men with sticks at the market in Mopti yesterday evening",
    "fr": "Des gendarmes ont frappé trois hommes au marché de Mopti hier soir",
    "ar": "قام جنود بضرب ثلاثة رجال في سوق موبتي مساء أمس",
}
PREFERRED = ("yes", "done", "anonymous", "send")


# --- servers of part (a), each in its own process --------------------------------------------


async def serve_acceptance(database_url: str, port: int) -> None:
    """The Telegram webhook exactly as `tocsin run` wires it, without handling the updates."""
    from aiogram import Bot

    from bot.channels.telegram import TelegramChannel
    from bot.channels.telegram_sender import BotApi
    from bot.channels.telegram_transport import webhook_handler
    from bot.inbox import Inbox
    from reports.database import create_engine
    from tocsin.app import connect_redis, load_keyring
    from tocsin.settings import Settings

    settings = Settings(_env_file=None, database_url=database_url, secret_key=SECRET_KEY)
    keyring = load_keyring(settings)
    database = create_engine(database_url)
    redis = await connect_redis(REDIS_URL)
    channel = TelegramChannel(
        api=BotApi(Bot("1:bench")),
        engine=cast(Any, None),  # acceptance never reaches the conversation
        inbox=Inbox(database, keyring, redis),
        keyring=keyring,
        settings=settings,
        redis=redis,
    )
    app = web.Application()
    app.router.add_post("/telegram/webhook", webhook_handler(channel, WEBHOOK_SECRET))
    await serve_forever(app, port)


# --- (a) durable acceptance -------------------------------------------------------------------


def text_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    """A private text message as Telegram posts it to a webhook."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Awa", "language_code": "fr"}
    chat = {"id": chat_id, "first_name": "Awa", "type": "private"}
    message = {
        "message_id": update_id % 100_000,
        "from": user,
        "chat": chat,
        "date": int(time.time()),
        "text": text,
    }
    return {"update_id": update_id, "message": message}


def updates(count: int, first_id: int) -> list[bytes]:
    chats = [300_000_000 + number for number in range(200)]
    return [
        json.dumps(text_update(first_id + n, chats[n % len(chats)], STORIES["fr"])).encode()
        for n in range(count)
    ]


async def hammer(url: str, bodies: list[bytes], concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    failures = 0
    queue = iter(bodies)
    headers = {
        "Content-Type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET,
    }
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal failures
            for raw in queue:
                started = time.perf_counter()
                async with session.post(url, data=raw, headers=headers) as response:
                    await response.read()
                    failures += response.status != 200
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
    url = await scratch_database("tocsin_bench_tg")
    results: dict[str, Any] = {}
    try:
        for number, (name, mode) in enumerate(
            (("baseline", "serve-baseline"), ("telegram", "serve-acceptance"))
        ):
            port = free_port()
            server = await start_process(
                str(Path(__file__)), mode, "--database", url, "--port", str(port), port=port
            )
            try:
                target = f"http://127.0.0.1:{port}/telegram/webhook"
                base = 10_000_000 * (number + 1)
                await hammer(target, updates(500, base), concurrency)  # warm-up
                results[name] = await hammer(target, updates(count, base + 1000), concurrency)
            finally:
                await stop_process(server)
    finally:
        await drop_database(url)
    results["ratio"] = results["telegram"]["per_second"] / results["baseline"]["per_second"]
    return results


# --- (b) whole conversations --------------------------------------------------------------------


@dataclass
class Reporter:
    """One simulated person: tells the story, presses buttons, waits for each turn's end."""

    chat_id: int
    language: str
    post: Any
    first_replies: list[float] = field(default_factory=list)
    turns: list[float] = field(default_factory=list)
    inbox: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    update_ids: Any = None
    message_ids: int = 0
    think: float = 0.0  # mean seconds between seeing a question and answering it
    rng: random.Random = field(default_factory=random.Random)

    def _message(self, **content: Any) -> dict[str, Any]:
        self.message_ids += 1
        user = {"id": self.chat_id, "is_bot": False, "first_name": "Awa"}
        user["language_code"] = self.language
        chat = {"id": self.chat_id, "first_name": "Awa", "type": "private"}
        message = {"message_id": self.message_ids, "from": user, "chat": chat}
        return {"update_id": next(self.update_ids), "message": {**message, **content, "date": 0}}

    def _press(self, message: dict[str, Any], data: str) -> dict[str, Any]:
        user = {"id": self.chat_id, "is_bot": False, "first_name": "Awa"}
        user["language_code"] = self.language
        query = {
            "id": f"{self.chat_id}-{self.message_ids}",
            "from": user,
            "message": {**message, "chat": {"id": self.chat_id, "type": "private"}},
            "chat_instance": str(self.chat_id),
            "data": data,
        }
        self.message_ids += 1
        return {"update_id": next(self.update_ids), "callback_query": query}

    async def turn(self, update: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one update; the message that ends the bot's turn (a question or the reference)."""
        while not self.inbox.empty():
            self.inbox.get_nowait()
        started = time.perf_counter()
        status = await self.post(json.dumps(update).encode())
        if status != 200:
            raise AssertionError(f"webhook answered {status}")
        first = True
        async with asyncio.timeout(timeout):
            while True:
                message = await self.inbox.get()
                if first:
                    self.first_replies.append(time.perf_counter() - started)
                    first = False
                markup = message.get("reply_markup") or {}
                buttons = [
                    b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row
                ]
                if REFERENCE.search(message["text"]) or "keyboard" in markup:
                    break
                if any(data != "~clear" for data in buttons):
                    break
        self.turns.append(time.perf_counter() - started)
        return message

    async def pause(self) -> None:
        if self.think:
            await asyncio.sleep(self.rng.uniform(0.5 * self.think, 1.5 * self.think))

    async def report(self, timeout: float) -> str | None:
        await self.pause()  # people do not all start at the same instant
        message = await self.turn(self._message(text=STORIES[self.language]), timeout)
        for _ in range(15):
            await self.pause()
            found = REFERENCE.search(message["text"])
            if found:
                return found.group(0)
            markup = message.get("reply_markup") or {}
            if "keyboard" in markup:
                pin = {"latitude": 14.4843, "longitude": -4.1827}
                message = await self.turn(self._message(location=pin), timeout)
                continue
            data = [b["callback_data"] for row in markup["inline_keyboard"] for b in row]
            choice = next(d for d in (*PREFERRED, *data) if d in data)
            message = await self.turn(self._press(message, choice), timeout)
        return None


async def part_b(
    people: int, processes: int = 1, think: float = 0.0, limits: bool = False
) -> dict[str, Any]:
    url = await scratch_database("tocsin_bench_tg")
    ports = [free_port() for _ in range(processes)]
    fake = FakeTelegram(record_calls=False)
    await fake.start()
    env = {
        "TOCSIN_DATABASE_URL": url,
        "TOCSIN_REDIS_URL": REDIS_URL,
        # a key of its own: Redis may still hold sessions of an earlier run under the usual one
        "TOCSIN_SECRET_KEY": f"bench-{uuid.uuid4().hex}",
        "TOCSIN_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        "TOCSIN_TELEGRAM_TOKEN": fake.token,
        "TOCSIN_TELEGRAM_API_URL": fake.base_url,
        "TOCSIN_TELEGRAM_WEBHOOK_URL": "https://tocsin.example.org/telegram/webhook",
        "TOCSIN_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        # the fake has no limit to respect; `--limits` keeps the outgoing pacing on all the same
        "TOCSIN_TELEGRAM_RATE_LIMITS": "true" if limits else "false",
    }
    # BENCH_PROFILE=<file>: the (first) server runs under cProfile, written at its exit
    profile = os.environ.get("BENCH_PROFILE")
    servers = [
        await start_process(
            *(("-m", "cProfile", "-o", f"{profile}.{number}") if profile else ()),
            "-m",
            "tocsin",
            "run",
            port=port,
            env={**env, "TOCSIN_HTTP_PORT": str(port)},
        )
        for number, port in enumerate(ports)
    ]
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1000))
    webhooks = itertools.cycle([f"http://127.0.0.1:{port}/telegram/webhook" for port in ports])
    headers = {"Content-Type": "application/json", SECRET_HEADER: WEBHOOK_SECRET}

    async def post(raw: bytes) -> int:  # spread over the processes, as a load balancer would
        async with session.post(next(webhooks), data=raw, headers=headers) as response:
            answer = await response.read()
            status = response.status
        if status == 200 and answer:  # a method in the webhook's answer: Telegram runs it
            params = json.loads(answer)
            await fake.execute(params.pop("method"), params, in_webhook_answer=True)
        return status

    update_ids = iter(range(900_000_000, 2_000_000_000))
    rng = random.Random(7)
    reporters: dict[str, Reporter] = {}
    for number in range(people):
        chat_id = 500_000_000 + number * 7 + rng.randint(0, 6)
        language = ("en", "fr", "ar")[number % 3]
        reporters[str(chat_id)] = Reporter(
            chat_id, language, post, update_ids=update_ids, think=think, rng=rng
        )

    def on_call(call: Call) -> None:
        if call.method == "sendMessage" and call.status == 200:
            reporter = reporters.get(str(call.params.get("chat_id")))
            if reporter is not None:
                chat = fake.chats[str(reporter.chat_id)]
                reporter.inbox.put_nowait(chat[max(chat)])  # the message as sent, with its id

    fake.listeners.append(on_call)

    async def report(reporter: Reporter) -> str | None:
        try:
            return await reporter.report(timeout=600)  # slowness is measured, not counted as loss
        except (TimeoutError, AssertionError, aiohttp.ClientError, StopIteration):
            return None

    try:
        await settled(servers)
        spy = await start_sampling(servers[0].pid)
        cpu_before = sum(cpu_seconds(server.pid) for server in servers)
        machine_before = machine_busy_seconds()
        started = time.perf_counter()
        references = await asyncio.gather(*(report(r) for r in reporters.values()))
        elapsed = time.perf_counter() - started
        await stop_sampling(spy)
        server_cpu = sum(cpu_seconds(server.pid) for server in servers) - cpu_before
        machine_cpu = machine_busy_seconds() - machine_before
        stored = await count_reports(url, "telegram")
        idle_cpu = await idle_cpu_per_second(servers)
    finally:
        await session.close()
        for server in servers:
            await stop_process(server)
        await fake.close()
        await drop_database(url)
    first = [t for r in reporters.values() for t in r.first_replies]
    turns = [t for r in reporters.values() for t in r.turns]
    done = [reference for reference in references if reference]
    baseline_ms = await baseline_cpu_ms_per_update(max(len(turns), 1000))
    server_ms = 1000 * server_cpu / max(len(turns), 1)
    # what the servers burn while idle (polling loops, timers) grows with the run's length,
    # not its updates: a run slowed by pacing or a loaded machine pays more of it per update
    background_ms = 1000 * idle_cpu * elapsed / max(len(turns), 1)
    return {
        "server_idle_cpu_ms_per_second": 1000 * idle_cpu,
        "server_cpu_ms_per_update_less_idle": server_ms - background_ms,
        "baseline_cpu_ms_per_update": baseline_ms,
        "cpu_ratio_to_baseline": server_ms / baseline_ms,
        "people": people,
        "processes": processes,
        "updates": len(turns),
        "seconds": elapsed,
        "updates_per_second": len(turns) / elapsed,
        "server_cpu_ms_per_update": 1000 * server_cpu / max(len(turns), 1),
        "machine_cpu_ms_per_update": 1000 * machine_cpu / max(len(turns), 1),
        "think_seconds": think,
        "limits": limits,
        **conversation_figures(first, turns, people, done, stored),
    }


async def settled(servers: list[Any], timeout: float = 120.0) -> None:
    """Wait until the servers are idle: the NLU warms up in a thread after start-up, and its
    seconds of CPU must not be counted against the first updates."""
    deadline = time.monotonic() + timeout
    before = sum(cpu_seconds(server.pid) for server in servers)
    while time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        now = sum(cpu_seconds(server.pid) for server in servers)
        if now - before < 0.05 * len(servers):
            return
        before = now


async def idle_cpu_per_second(servers: list[Any], seconds: float = 5.0) -> float:
    """The servers' CPU seconds per second once the people are done (nothing left to do)."""
    await asyncio.sleep(1.0)  # the last turns' stragglers: marks, completions
    before = sum(cpu_seconds(server.pid) for server in servers)
    await asyncio.sleep(seconds)
    return (sum(cpu_seconds(server.pid) for server in servers) - before) / seconds


async def start_sampling(pid: int) -> Any:
    """BENCH_PYSPY=<file>: py-spy samples the (first) server during the measured window only
    (start-up and imports left out), written as collapsed stacks to <file>."""
    target = os.environ.get("BENCH_PYSPY")
    if not target:
        return None
    spy_exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    spy = await asyncio.create_subprocess_exec(
        spy_exe, "record", "--pid", str(pid), "--rate", "250", "--format", "raw",
        "--output", target, "--nonblocking", *os.environ.get("BENCH_PYSPY_ARGS", "").split(),
    )  # fmt: skip
    await asyncio.sleep(1.0)  # attached before the first update
    return spy


async def stop_sampling(spy: Any) -> None:
    if spy is None:
        return
    spy.send_signal(signal.SIGINT)
    await spy.wait()


async def baseline_cpu_ms_per_update(count: int, concurrency: int = 50) -> float:
    """Server CPU per update of the bare handler (read the body, insert it, answer 200): the
    floor a whole conversation turn is compared with."""
    url = await scratch_database("tocsin_bench_tg")
    port = free_port()
    server = await start_process(
        str(Path(__file__)), "serve-baseline", "--database", url, "--port", str(port), port=port
    )
    try:
        target = f"http://127.0.0.1:{port}/telegram/webhook"
        await hammer(target, updates(500, 30_000_000), concurrency)  # warm-up
        before = cpu_seconds(server.pid)
        await hammer(target, updates(count, 31_000_000), concurrency)
        return 1000 * (cpu_seconds(server.pid) - before) / count
    finally:
        await stop_process(server)
        await drop_database(url)


# --- command line ---------------------------------------------------------------------------


def show(results: dict[str, Any]) -> None:
    if "a" in results:
        show_acceptance(results["a"], "telegram", "updates")
    if "b" in results:
        b = results["b"]
        print(
            f"(b) {b['people']} people, {b['processes']} process(es), {b['updates']} updates "
            f"in {b['seconds']:.1f} s: "
            f"{b['updates_per_second']:.0f} updates/s, "
            f"{b['server_cpu_ms_per_update']:.2f} ms of server CPU per update "
            f"({b['machine_cpu_ms_per_update']:.2f} ms on the whole machine: server, "
            f"PostgreSQL, Redis, the fake API and the simulated people); "
            f"thinking time {b['think_seconds']:.1f} s; outgoing pacing "
            f"{'on' if b['limits'] else 'lifted'}"
        )
        print(
            f"(b) idle, the server burns {b['server_idle_cpu_ms_per_second']:.1f} ms of CPU per "
            f"second (polling loops, timers); less that over the run's length: "
            f"{b['server_cpu_ms_per_update_less_idle']:.2f} ms per update"
        )
        print(
            f"(b) the bare-insert baseline takes {b['baseline_cpu_ms_per_update']:.2f} ms of "
            f"server CPU per update: a conversation update costs "
            f"{b['cpu_ratio_to_baseline']:.1f} times that (goal: <= 1.0 ms per update)"
        )
        print(
            f"(b) update to first reply p50 {b['first_reply_p50_ms']:.0f} ms  p99 "
            f"{b['first_reply_p99_ms']:.0f} ms; to the end of the turn p50 "
            f"{b['turn_p50_ms']:.0f} ms  p99 {b['turn_p99_ms']:.0f} ms"
        )
        print(
            f"(b) reports stored {b['stored']}, lost {b['lost']}, duplicated {b['duplicated']}"
            "  (goal >= 500 updates/s, p99 <= 250 ms, none lost or duplicated)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("mode", nargs="?", default="bench")
    parser.add_argument("--part", choices=("a", "b", "ab"), default="ab")
    parser.add_argument("--updates", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--processes", type=int, default=1, help="tocsin run processes in (b)")
    parser.add_argument(
        "--think", type=float, default=0.0, help="(b): mean seconds a person takes to answer"
    )
    parser.add_argument(
        "--limits", action="store_true", help="(b): keep the outgoing Telegram pacing on"
    )
    parser.add_argument("--database")
    parser.add_argument("--port", type=int)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.mode == "serve-baseline":
        asyncio.run(serve_baseline(args.database, args.port, "/telegram/webhook"))
        return
    if args.mode == "serve-acceptance":
        asyncio.run(serve_acceptance(args.database, args.port))
        return
    if not (reachable(POSTGRES_ADMIN_URL) and reachable(REDIS_URL)):
        sys.exit("needs PostgreSQL and Redis (TOCSIN_TEST_POSTGRES_URL, TOCSIN_TEST_REDIS_URL)")

    async def run() -> dict[str, Any]:
        results: dict[str, Any] = {}
        if "a" in args.part:
            results["a"] = await part_a(args.updates, args.concurrency)
        if "b" in args.part:
            results["b"] = await part_b(args.people, args.processes, args.think, args.limits)
        return results

    results = asyncio.run(run())
    print(json.dumps(results, indent=2)) if args.json else show(results)


if __name__ == "__main__":
    main()
