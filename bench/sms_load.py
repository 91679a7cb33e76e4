"""Benchmark: the SMS channel's inbound acceptance under load, on PostgreSQL and Redis.

Provider requests (three inbound SMS for every delivery report, in the provider's own form
shape) are posted to the channel's webhook exactly as `tocsin run` wires it: the request is
authenticated (Twilio's X-Twilio-Signature over the public URL and sorted fields, by default;
Africa's Talking's secret; the Android gateway's HMAC), the SMS committed to the durable inbox
(idempotent on the provider's id) or the report to the delivery records, then answered 200.
Beside it, in the same run and with the same load, a bare aiohttp + asyncpg handler that only
inserts the raw body. Prints requests/s and p50/p99 to the 200.
Goal: >= 40% of the baseline's rate, p99 <= 50 ms.

    .venv/bin/python bench/sms_load.py [--requests 10000] [--provider twilio] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from aiohttp import web

from bench.harness import (
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
from tests.fakes import sms as fake
from tests.servers import POSTGRES_ADMIN_URL, REDIS_URL, reachable

SECRET_KEY = "bench-secret-key-0123456789abcdef0123456789"
PATHS = {
    "africastalking": ("/sms/africastalking/inbound", "/sms/africastalking/delivery"),
    "twilio": ("/sms/twilio/inbound", "/sms/twilio/status"),
    "http": ("/sms/http/inbound", "/sms/http/inbound"),
}
Request = tuple[str, bytes, dict[str, str]]


async def serve_acceptance(database_url: str, port: int, provider: str) -> None:
    """The channel's webhook as `tocsin run` wires it, without the conversations."""
    from bot.channels.sms_store import SmsStore
    from bot.channels.sms_webhook import SmsWebhook
    from bot.inbox import Inbox
    from reports.database import create_engine
    from tocsin.app import connect_redis, load_keyring
    from tocsin.settings import Settings

    settings = Settings(_env_file=None, database_url=database_url, secret_key=SECRET_KEY)
    keyring = load_keyring(settings)
    database = create_engine(database_url)
    redis = await connect_redis(REDIS_URL)
    store = SmsStore(database, keyring)

    async def on_report(report: Any) -> None:
        await store.apply_report(report)

    app = web.Application()
    SmsWebhook(
        provider=provider,
        inbox=Inbox(database, keyring, redis),
        store=store,
        keyring=keyring,
        on_report=on_report,
        public_url=fake.PUBLIC_URL,
        auth_token=fake.TWILIO_TOKEN,
        secret=fake.WEBHOOK_SECRET,
    ).add_routes(app)
    await serve_forever(app, port)


def _form(path: str, fields: list[tuple[str, str]], headers: dict[str, str]) -> Request:
    return path, urlencode(fields).encode(), {**fake.FORM, **headers}


def requests(provider: str, count: int) -> list[Request]:
    """Unique provider requests: three inbound SMS for every delivery report."""
    inbound, reports = PATHS[provider]
    made: list[Request] = []
    for number in range(count):
        sender = f"+2237{number % 500:07d}"
        report = number % 4 == 3
        if provider == "twilio":
            if report:
                fields = [
                    ("MessageSid", "SM" + uuid.uuid4().hex),
                    ("MessageStatus", "delivered"),
                    ("To", sender),
                    ("From", fake.TWILIO_NUMBER),
                    ("AccountSid", fake.TWILIO_SID),
                    ("ApiVersion", "2010-04-01"),
                ]
            else:
                fields = fake.twilio_inbound(sender, "soldiers at the market in Gao")
            path = reports if report else inbound
            signature = fake.twilio_signature(fake.PUBLIC_URL + path, fields)
            made.append(_form(path, fields, {"X-Twilio-Signature": signature}))
        elif provider == "africastalking":
            fields = (
                [
                    ("id", "ATXid_" + uuid.uuid4().hex),
                    ("status", "Success"),
                    ("phoneNumber", sender),
                    ("networkCode", "63902"),
                    ("retryCount", "0"),
                ]
                if report
                else fake.at_inbound(sender, "soldiers at the market in Gao")
            )
            path = (reports if report else inbound) + f"?secret={fake.WEBHOOK_SECRET}"
            made.append(_form(path, fields, {}))
        else:
            body = fake.gateway_received(sender, "soldiers at the market in Gao")
            if report:
                body = {
                    **body,
                    "event": "sms:delivered",
                    "payload": {"messageId": uuid.uuid4().hex, "phoneNumber": sender},
                }
            raw = json.dumps(body).encode()
            made.append((inbound, raw, fake.gateway_headers(raw)))
    return made


async def hammer(
    base: str, made: list[Request], concurrency: int, raw_path: str | None
) -> dict[str, float]:
    latencies: list[float] = []
    failures = 0
    queue = iter(made)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal failures
            for path, body, headers in queue:
                started = time.perf_counter()
                async with session.post(
                    base + (raw_path or path), data=body, headers=headers
                ) as response:
                    await response.read()
                    if response.status != 200:
                        failures += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "per_second": len(made) / elapsed,
        "p50_ms": 1000 * percentile(latencies, 0.5),
        "p99_ms": 1000 * percentile(latencies, 0.99),
        "failures": failures,
    }


async def part_a(provider: str, count: int, concurrency: int) -> dict[str, Any]:
    url = await fresh_database()
    results: dict[str, Any] = {}
    try:
        for name, mode in (("baseline", "serve-baseline"), ("sms", "serve-acceptance")):
            port = free_port()
            server = await start_process(
                str(Path(__file__)),
                mode,
                "--database",
                url,
                "--port",
                str(port),
                "--provider",
                provider,
                port=port,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                raw_path = "/webhook" if name == "baseline" else None
                await hammer(base, requests(provider, 500), concurrency, raw_path)  # warm-up
                results[name] = await hammer(base, requests(provider, count), concurrency, raw_path)
            finally:
                await stop_process(server)
    finally:
        await drop_database(url)
    results["ratio"] = results["sms"]["per_second"] / results["baseline"]["per_second"]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "mode", nargs="?", default="bench", choices=["bench", "serve-baseline", "serve-acceptance"]
    )
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--provider", default="twilio", choices=sorted(PATHS))
    parser.add_argument("--database")
    parser.add_argument("--port", type=int)
    options = parser.parse_args()
    if options.mode == "serve-baseline":
        asyncio.run(serve_baseline(options.database, options.port, "/webhook"))
        return
    if options.mode == "serve-acceptance":
        asyncio.run(serve_acceptance(options.database, options.port, options.provider))
        return
    for name, url in (("PostgreSQL", POSTGRES_ADMIN_URL), ("Redis", REDIS_URL)):
        if not reachable(url):
            raise SystemExit(f"{name} is not reachable at {url}")
    results = asyncio.run(part_a(options.provider, options.requests, options.concurrency))
    print(
        f"SMS inbound acceptance ({options.provider}, {options.requests} requests, "
        f"concurrency {options.concurrency})"
    )
    show_acceptance(results, "sms", "requests")


if __name__ == "__main__":
    main()
