"""Scale-out: two `tocsin run` processes in webhook mode on one PostgreSQL and one Redis.

The updates of one conversation reach the two processes alternately, as a load balancer would
spread Telegram's webhook calls; one update is even delivered to both at once. The report must
complete once, every question asked once, in order: the durable inbox orders each chat's
updates across processes and the Redis session lock keeps one turn at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from nlu import Nlu
from reports.crypto import Keyring
from reports.database import create_engine
from reports.models import InboundItem
from reports.storage import ReportStore
from tests.bot.channels.telegram_harness import REFERENCE, SECRET, TelegramPerson
from tests.conftest import TEST_SECRET, truncate_all
from tests.fakes.telegram import FakeTelegram

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
STORY = "Soldiers beat three men at the market in Gao yesterday evening"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class TwoProcesses:
    """The two `tocsin run` processes, fed alternately; the test reads the shared database."""

    fake: FakeTelegram
    urls: list[str]
    database_url: str
    http: aiohttp.ClientSession = field(default_factory=aiohttp.ClientSession)
    turn: itertools.cycle[int] = field(default_factory=lambda: itertools.cycle([0, 1]))

    async def post(self, index: int, update: dict[str, Any]) -> int:
        return await self.fake.post_update(
            self.http, f"{self.urls[index]}/telegram/webhook", update, SECRET
        )

    async def deliver(self, update: dict[str, Any]) -> None:
        assert await self.post(next(self.turn), update) == 200

    async def rows(self) -> list[Any]:
        engine = create_engine(self.database_url)
        try:
            async with engine.connect() as connection:
                return list((await connection.execute(select(InboundItem))).all())
        finally:
            await engine.dispose()

    async def settled(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while any(row.status != "done" for row in await self.rows()):
            assert time.monotonic() < deadline, "the two processes did not drain the inbox"
            await asyncio.sleep(0.05)


async def wait_healthy(http: aiohttp.ClientSession, url: str, process: Any, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise AssertionError(f"tocsin run exited: {log.read_text()[-2000:]}")
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"{url}/healthz") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.2)
    raise AssertionError(f"tocsin run did not start: {log.read_text()[-2000:]}")


@pytest.fixture
async def two_processes(
    postgres_url: str, redis_url: str, nlu_cache_dir: Path, shared_nlu: Nlu, tmp_path: Path
) -> AsyncIterator[TwoProcesses]:
    await shared_nlu.analyze(STORY)  # the model is trained and cached for the two processes
    engine = create_engine(postgres_url)
    await truncate_all(engine)
    await engine.dispose()
    async with FakeTelegram() as fake:
        ports = [free_port(), free_port()]
        processes, logs = [], []
        for number, port in enumerate(ports):
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("TOCSIN_")},
                "TOCSIN_DATABASE_URL": postgres_url,
                "TOCSIN_REDIS_URL": redis_url,
                "TOCSIN_SECRET_KEY": TEST_SECRET,
                "TOCSIN_CACHE_DIR": str(nlu_cache_dir),
                "TOCSIN_TELEGRAM_TOKEN": fake.token,
                "TOCSIN_TELEGRAM_API_URL": fake.base_url,
                "TOCSIN_TELEGRAM_WEBHOOK_URL": "https://tocsin.example.org/telegram/webhook",
                "TOCSIN_TELEGRAM_WEBHOOK_SECRET": SECRET,
                "TOCSIN_TELEGRAM_RATE_LIMITS": "false",
                "TOCSIN_HTTP_PORT": str(port),
            }
            log = tmp_path / f"run-{number}.log"
            logs.append(log)
            processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "tocsin", "run",
                    env=env, cwd=tmp_path, stdout=log.open("wb"), stderr=asyncio.subprocess.STDOUT,
                )
            )  # fmt: skip
        bots = TwoProcesses(fake, [f"http://127.0.0.1:{port}" for port in ports], postgres_url)
        try:
            for url, process, log in zip(bots.urls, processes, logs, strict=True):
                await wait_healthy(bots.http, url, process, log)
            yield bots
        finally:
            await bots.http.close()
            for process in processes:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    await asyncio.wait_for(process.wait(), 15)
                except TimeoutError:
                    process.kill()


async def test_one_conversation_across_two_processes_completes_once_in_order(
    two_processes: TwoProcesses,
) -> None:
    bots = two_processes
    person = TelegramPerson(bots, random.randint(10**8, 10**9))  # type: ignore[arg-type]
    await person.say("/start")
    story = person.message_update(text=STORY)
    statuses = await asyncio.gather(bots.post(0, story), bots.post(1, story))  # both at once
    assert statuses == [200, 200]
    await bots.settled()
    turns = 0
    while not REFERENCE.search(person.last_sent()["text"]):
        turns += 1
        assert turns < 15, [m["text"] for m in person.sent]
        markup = person.last_sent().get("reply_markup") or {}
        if "keyboard" in markup:
            await person.share_location(16.2717, -0.0447)
            continue
        data = [b["callback_data"] for row in markup["inline_keyboard"] for b in row]
        await person.press(
            next(d for d in ("yes", "done", "anonymous", "send", *data) if d in data)
        )

    reference = REFERENCE.search(person.last_sent()["text"]).group(0)  # type: ignore[union-attr]
    store = ReportStore(create_engine(bots.database_url), Keyring([TEST_SECRET.encode()]))
    reports = await store.list_reports(actor="test")
    assert [report.reference for report in reports] == [reference]  # stored once
    texts = [message["text"] for message in person.sent]
    assert texts.count(texts[0]) == 1 and not any(t.startswith("Sorry") for t in texts)
    questions = [m["text"] for m in person.sent if m.get("reply_markup")]
    assert len(questions) == len(set(questions))  # no step asked twice, none skipped back
    rows = await bots.rows()
    assert all(row.status == "done" for row in rows)
    assert len({row.locked_by for row in rows}) == 2  # both processes did part of the work
