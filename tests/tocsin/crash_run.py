"""Killing `tocsin run` and `tocsin worker` at chosen points of a turn and of a staff ping.

Shared by the bounded crash test (tests/tocsin/test_crash_safety.py, in CI) and its long form
(bench/crash.py). One `tocsin run` (webhook mode) and one `tocsin worker` run on PostgreSQL and
Redis against the fake Bot API; each is started with `TOCSIN_CRASH_AT` (see
`reports/crashpoints.py`) and, whenever it dies, started again without it, as a supervisor
would. People tell whole reports meanwhile; `Tally` is what the checks read.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from escalation.models import Alert
from reports.crypto import Keyring
from reports.database import create_engine
from reports.models import InboundItem, Report
from reports.storage import ReportStore
from tests.bot.channels.telegram_harness import REFERENCE, SECRET, TelegramPerson, complete_report
from tests.conftest import TEST_SECRET
from tests.fakes.telegram import FakeTelegram

STORY = "Soldiers beat three men at the market in Gao yesterday evening"
STAFF_CHAT = "-5001"
RULES = (
    f"targets:\n  desk: {{telegram: ['{STAFF_CHAT}']}}\n"
    "rules:\n  - {name: every, match: {}, chain: [{notify: [desk]}]}\n"
    "surge: {enabled: false}\ndigest: {enabled: false}\n"
    "delivery: {poll_interval: 1s, lease: 5s}\n"
)


@dataclass
class Supervised:
    """One `tocsin` process, started again without a crash point whenever it dies."""

    command: str
    env: dict[str, str]
    folder: Path
    health_url: str | None = None
    kills: int = 0
    process: Any = None
    starts: int = 0
    # crash points armed again at each restart (the long form); empty: restarted unarmed
    rearm: list[tuple[str, int]] = field(default_factory=list)
    restart_seconds: list[float] = field(default_factory=list)  # death noticed -> serving
    ready_at: float | None = None  # when the last restart after a kill was serving

    async def start(self, crash_at: str | None = None, after: int = 0) -> None:
        env = dict(self.env)
        if crash_at:
            env |= {"TOCSIN_CRASH_AT": crash_at, "TOCSIN_CRASH_AFTER": str(after)}
        self.starts += 1
        log = (self.folder / f"{self.command}-{self.starts}.log").open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tocsin", self.command,
            env=env, cwd=self.folder, stdout=log, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        if self.health_url:
            await self._healthy()

    async def _healthy(self, seconds: float = 300) -> None:
        """Until it answers /healthz: a start loads the NLU, minutes on a busy machine."""
        deadline = time.monotonic() + seconds
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline and self.process.returncode is None:
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"{self.health_url}/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.2)
        raise AssertionError(f"tocsin {self.command} did not start (see {self.folder})")

    async def revive(self) -> bool:
        """Start it again if it died (a kill counted); True when it had."""
        if self.process is None or self.process.returncode is None:
            return False
        assert self.process.returncode == 137, f"tocsin {self.command} failed otherwise"
        self.kills += 1
        noticed = time.monotonic()
        await self.start(*(self.rearm.pop(0) if self.rearm else (None, 0)))
        self.ready_at = time.monotonic()
        self.restart_seconds.append(self.ready_at - noticed)
        return True

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


@dataclass
class CrashingBot:
    """What `TelegramPerson` talks to: delivers as Telegram would (again after a failed
    POST) and waits for the inbox to drain, reviving the run process when it dies."""

    fake: FakeTelegram
    run: Supervised
    database_url: str
    http: aiohttp.ClientSession = field(default_factory=aiohttp.ClientSession)
    # from a restarted run process serving to its inbox drained: how long a person whose
    # message the dead process held waits once it is back (its leases are taken back)
    recoveries: list[float] = field(default_factory=list)

    async def deliver(self, update: dict[str, Any]) -> None:
        for _attempt in range(50):
            await self.run.revive()
            with contextlib.suppress(aiohttp.ClientError):
                url = f"{self.run.health_url}/telegram/webhook"
                if await self.fake.post_update(self.http, url, update, SECRET) == 200:
                    return
            await asyncio.sleep(0.1)
        raise AssertionError("the webhook never took the update")

    async def settled(self, timeout: float = 30.0) -> None:
        """`timeout` counts from the last start: a start loads the NLU (tens of seconds on a
        busy machine)."""
        deadline = time.monotonic() + timeout
        engine = create_engine(self.database_url)
        try:
            while True:
                if await self.run.revive():
                    deadline = time.monotonic() + timeout
                async with engine.connect() as connection:
                    waiting = (
                        await connection.execute(
                            select(func.count())
                            .select_from(InboundItem)
                            .where(InboundItem.status == "pending")
                        )
                    ).scalar_one()
                if not waiting:
                    if self.run.ready_at is not None:
                        self.recoveries.append(time.monotonic() - self.run.ready_at)
                        self.run.ready_at = None
                    return
                assert time.monotonic() < deadline, "the inbox did not drain"
                await asyncio.sleep(0.05)
        finally:
            await engine.dispose()


@dataclass
class Tally:
    shown: list[str] = field(default_factory=list)  # references people saw
    stored: list[str] = field(default_factory=list)
    duplicates: int = 0  # a bot message sent twice in a row to a person
    pings: int = 0
    kills: int = 0
    seconds: float = 0.0
    run_kills: int = 0
    worker_kills: int = 0
    unanswered: int = 0  # a message of the person that got no new bot message: a lost question
    incomplete: int = 0  # conversations that never reached a reference (long form only)
    recoveries: list[float] = field(default_factory=list)
    restarts: list[float] = field(default_factory=list)
    incidents: int = 0  # alerts the reports made (reports of one place and story cluster)


class CountingPerson(TelegramPerson):
    """A person who notices when a message of theirs gets no answer at all."""

    unanswered = 0

    def _seen(self) -> int:
        edits = self.bot.fake.calls_to("editMessageText", succeeded=True)
        return len(self.sent) + sum(
            1 for params in edits if str(params.get("chat_id")) == str(self.chat_id)
        )

    async def send(self, update: dict[str, Any]) -> None:
        before = self._seen()
        await super().send(update)
        if self._seen() == before:
            self.unanswered += 1


def environment(
    database_url: str, redis_url: str, cache_dir: Path, fake: FakeTelegram, port: int, rules: Path
) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("TOCSIN_")},
        "TOCSIN_DATABASE_URL": database_url,
        "TOCSIN_REDIS_URL": redis_url,
        "TOCSIN_SECRET_KEY": TEST_SECRET,
        "TOCSIN_CACHE_DIR": str(cache_dir),
        "TOCSIN_TELEGRAM_TOKEN": fake.token,
        "TOCSIN_TELEGRAM_API_URL": fake.base_url,
        "TOCSIN_TELEGRAM_WEBHOOK_URL": "https://tocsin.example.org/telegram/webhook",
        "TOCSIN_TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TOCSIN_TELEGRAM_RATE_LIMITS": "false",
        "TOCSIN_HTTP_PORT": str(port),
        "TOCSIN_ESCALATION_RULES": str(rules),
    }


def repeated(texts: list[str]) -> int:
    return sum(1 for before, after in itertools.pairwise(texts) if before == after)


async def crash_loop(
    fake: FakeTelegram,
    env: dict[str, str],
    folder: Path,
    port: int,
    schedule: list[tuple[str, int, str, int]],
    first_chat: int,
    *,
    long_form: bool = False,
) -> Tally:
    """For each (run point, after, worker point, after): both processes start with those
    crash points, one person tells a whole report, and whatever dies is started again.

    The long form starts both processes once and arms the schedule's next crash point at every
    restart, so each start is a chance to die and kills come without a planned stop; a
    conversation that never reaches its reference is counted instead of ending the run."""
    (folder / "rules.yml").write_text(RULES)
    run = Supervised("run", env, folder, f"http://127.0.0.1:{port}")
    worker = Supervised("worker", env, folder)
    bot = CrashingBot(fake, run, env["TOCSIN_DATABASE_URL"])
    tally = Tally()
    started = time.monotonic()
    if long_form:
        run.rearm = [(run_at, after) for run_at, after, _w, _a in schedule[1:]]
        worker.rearm = [(worker_at, after) for _r, _a, worker_at, after in schedule[1:]]
    try:
        for number, (run_at, run_after, worker_at, worker_after) in enumerate(schedule):
            if not long_form or number == 0:
                await asyncio.gather(run.stop(), worker.stop())
                await asyncio.gather(
                    run.start(run_at, run_after), worker.start(worker_at, worker_after)
                )
            person = CountingPerson(bot, first_chat + number)  # type: ignore[arg-type]
            try:
                tally.shown.append(await complete_report(person, "en", STORY, max_turns=30))
            except AssertionError:
                if not long_form:
                    raise
                tally.incomplete += 1
            tally.duplicates += repeated([message["text"] for message in person.sent])
            tally.unanswered += person.unanswered
            await bot.settled()
            await worker.revive()
        await _pings_settle(fake, worker, len(schedule) - tally.incomplete)
    finally:
        await asyncio.gather(run.stop(), worker.stop())
        await bot.http.close()
    tally.run_kills, tally.worker_kills = run.kills, worker.kills
    tally.kills = run.kills + worker.kills
    tally.recoveries, tally.restarts = bot.recoveries, run.restart_seconds
    tally.pings = len(_pings(fake))
    tally.seconds = time.monotonic() - started
    store = ReportStore(create_engine(env["TOCSIN_DATABASE_URL"]), Keyring([TEST_SECRET.encode()]))
    try:
        tally.stored = [report.reference for report in await store.list_reports(actor="crash")]
        async with store.engine.connect() as connection:
            count = select(func.count()).select_from(Alert)
            tally.incidents = int((await connection.execute(count)).scalar_one())
    finally:
        await store.engine.dispose()
    for text in (m["text"] for m in fake.calls_to("sendMessage", succeeded=True)):
        for reference in REFERENCE.findall(text):
            if reference not in tally.shown and str(text).startswith("Thank you"):
                tally.shown.append(reference)
    return tally


def _pings(fake: FakeTelegram) -> list[dict[str, Any]]:
    return [
        params
        for params in fake.calls_to("sendMessage", succeeded=True)
        if str(params.get("chat_id")) == STAFF_CHAT
    ]


def _staff_texts(fake: FakeTelegram) -> list[str]:
    """Every ping and every edit of one: a report joining an incident is named by an edit."""
    calls = [*_pings(fake), *fake.calls_to("editMessageText", succeeded=True)]
    return [str(p.get("text", "")) for p in calls if str(p.get("chat_id")) == STAFF_CHAT]


async def _pings_settle(fake: FakeTelegram, worker: Supervised, reports: int) -> None:
    """Wait (reviving the worker) until every report has been pinged or 60 s pass."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        await worker.revive()
        pinged = {r for text in _staff_texts(fake) for r in REFERENCE.findall(text)}
        if len(pinged) >= reports:
            await asyncio.sleep(2)  # anything still in flight
            await worker.revive()
            return
        await asyncio.sleep(0.2)


async def stored_count(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int(
                (await connection.execute(select(func.count()).select_from(Report))).scalar_one()
            )
    finally:
        await engine.dispose()
