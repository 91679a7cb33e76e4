"""An escalation test bench: rules naming fakes on loopback, a worker on a hand-moved clock.

Staff chats live in a fake Bot API, e-mail goes to a real SMTP server (STARTTLS), webhooks to a
signature-checking receiver. Tests submit reports through the real `ReportStore` and run the
worker until nothing is due.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.clock import ManualClock
from escalation.gateway import EscalationGateway
from escalation.loading import parse_rules
from escalation.notifiers.telegram import TelegramNotifier
from escalation.worker import EscalationWorker, build_worker
from reports.crypto import Keyring
from reports.records import ReportDraft, ReportView
from reports.storage import ReportStore
from tests.fakes.smtp import FakeSmtpServer
from tests.fakes.telegram_staff_api import FakeStaffBotApi
from tests.fakes.webhook_receiver import WebhookReceiver
from tocsin.settings import Settings

DESK, HEAD, SEAH = "-1001", "-1002", "-1009"
STAFF_USER = "42"
HOOK_SECRET = "webhook-secret-0123456789"
TOKEN = "123456:TEST-token-for-escalation"
# the moment every bench starts at: mid-morning, whatever the hour the suite runs at
BENCH_START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

RULES = """
version: 1
targets:
  desk: {telegram: ["-1001"]}
  head: {telegram: ["-1002"], email: ["head@example.org"]}
  partners: {webhook: [{url: "HOOK_URL", secret: "webhook-secret-0123456789"}]}
  seah: {telegram: ["-1009"], email: ["seah@example.org"], confidential: true}
staff_telegram_users: ["42"]
rules:
  - name: critical
    match: {min_severity: critical}
    chain:
      - notify: [desk, partners]
      - after: 10m
        notify: [head]
      - after: 30m
        notify: [all]
  - name: high
    match: {severity: [high]}
    chain: [{notify: [desk]}]
  - name: supported
    match: {supported_unit: true}
    chain: [{notify: [head]}]
  - name: repeated
    match: {min_cluster_size: 3}
    chain: [{notify: [desk]}]
  - name: surge
    match: {kind: surge}
    chain: [{notify: [desk]}]
  - name: unit-threshold
    match: {kind: unit}
    chain: [{notify: [desk]}]
  - name: confidential
    confidential: true
    chain: [{notify: [seah]}]
confidentiality:
  categories: [sexual_violence]
  perpetrators: [foreign_forces]
  keywords: [EUTM, peacekeeper]
supported_units: units.yml
smtp: {url: "SMTP_URL", sender: "tocsin@example.org"}
surge: {window: 24h, baseline: 14d, min_reports: 5, ratio: 3}
delivery: {backoff: 0.05s, max_backoff: 0.2s, lease: 1s, poll_interval: 0.05s, max_attempts: 4}
digest: {enabled: false}
"""

UNITS = """
units:
  - id: gtia-8
    name: GTIA 8
    country: ML
    aliases: ["8e GTIA", "GTIA-8"]
    threshold: {reports: 3, window: 30d}
"""


def make_draft(keyring: Keyring, **fields: Any) -> ReportDraft:
    person = fields.pop("person", uuid.uuid4().hex)
    channel = fields.get("channel", "console")
    values: dict[str, Any] = {
        "channel": channel,
        "reporter_pseudonym": keyring.pseudonym(channel, str(person)),
        "language": "en",
        "category": "killing",
        "description": "Soldiers shot two herders near the well",
        "perpetrator": "army",
        "affected_groups": {"men": 2},
        "victims": 2,
        "place": "Mopti",
        "admin_area": "Mopti",
        "country": "ML",
        "lat": 14.4843,
        "lon": -4.1827,
        "location_source": "gazetteer",
    }
    values.update(fields)
    return ReportDraft(**values)


async def quiet_database(database: AsyncEngine) -> None:
    """The PostgreSQL database is shared by the whole run: settle what earlier tests left."""
    async with database.begin() as connection:
        await connection.execute(
            text("UPDATE outbox_events SET processed_at = created_at WHERE processed_at IS NULL")
        )
        await connection.execute(
            text("UPDATE escalation_deliveries SET state = 'skipped' WHERE state = 'pending'")
        )
        await connection.execute(
            text("UPDATE escalation_alerts SET state = 'dismissed', next_escalation_at = NULL")
        )


@dataclass
class Bench:
    store: ReportStore
    keyring: Keyring
    worker: EscalationWorker
    clock: ManualClock
    bot_api: FakeStaffBotApi
    smtp: FakeSmtpServer
    hooks: WebhookReceiver
    gateway: EscalationGateway
    workers: list[EscalationWorker] = field(default_factory=list)
    area: str = field(default_factory=lambda: f"Area {uuid.uuid4().hex[:8]}")

    async def submit(self, **fields: Any) -> ReportView:
        fields.setdefault("admin_area", self.area)
        return await self.store.submit(make_draft(self.keyring, **fields))

    async def run(self) -> None:
        await self.worker.drain()

    def texts(self, chat: str) -> list[str]:
        return [message.text for message in self.bot_api.chat(chat)]

    def mails_to(self, address: str) -> list[Any]:
        return [mail for mail in self.smtp.received if address in mail.recipients]

    async def press(
        self, action: str, alert_text: str, *, chat: str = DESK, user: str = STAFF_USER
    ) -> str:
        message = self.bot_api.chat(chat)[-1]
        data = next(item for item in message.buttons if item.startswith(f"esc:{action}:"))
        assert alert_text in message.text
        return await self.gateway.handle_staff_action(
            "telegram", chat, user, str(message.message_id), data
        )


def rules_text(hook_url: str, smtp_url: str) -> str:
    return RULES.replace("HOOK_URL", hook_url).replace("SMTP_URL", smtp_url)


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeStaffBotApi]:
    api = await FakeStaffBotApi().start()
    api.members[STAFF_USER] = {"first_name": "Amina", "username": "amina_desk"}
    yield api
    await api.stop()


@pytest.fixture(scope="session")
def smtp_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    server = FakeSmtpServer(tmp_path_factory.mktemp("smtp")).start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server: FakeSmtpServer) -> FakeSmtpServer:
    smtp_server.received.clear()
    return smtp_server


@pytest.fixture
async def hooks() -> AsyncIterator[WebhookReceiver]:
    receiver = await WebhookReceiver(HOOK_SECRET).start()
    yield receiver
    await receiver.stop()


def bench_settings(database_url: str, api_url: str) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        secret_key="test-secret-key-for-tocsin-0123456789",
        telegram_token=TOKEN,
        telegram_api_url=api_url,
        telegram_rate_limits=False,  # the fake Bot API has no limits to keep under
    )


def new_worker(
    settings: Settings,
    database: AsyncEngine,
    keyring: Keyring,
    store: ReportStore,
    ruleset: Any,
    clock: ManualClock,
    relay: Any = None,
) -> EscalationWorker:
    return build_worker(
        settings, database, keyring, store=store, relay=relay, clock=clock, ruleset=ruleset
    )


@pytest.fixture
def clock() -> ManualClock:
    """The bench's time: storage stamps rows and the worker decides by this one clock."""
    return ManualClock(BENCH_START)


@pytest.fixture
def store(database: AsyncEngine, keyring: Keyring, clock: ManualClock) -> ReportStore:
    return ReportStore(database, keyring, clock)


@pytest.fixture
async def bench(
    tmp_path: Path,
    database: AsyncEngine,
    database_url: str,
    store: ReportStore,
    keyring: Keyring,
    bot_api: FakeStaffBotApi,
    smtp: FakeSmtpServer,
    hooks: WebhookReceiver,
    clock: ManualClock,
) -> AsyncIterator[Bench]:
    await quiet_database(database)
    (tmp_path / "units.yml").write_text(UNITS)
    source = tmp_path / "rules.yml"
    settings = bench_settings(database_url, bot_api.url)
    ruleset = parse_rules(rules_text(hooks.url, smtp.url), source, settings)
    worker = new_worker(settings, database, keyring, store, ruleset, clock)
    telegram = worker.notifiers["telegram"]
    assert isinstance(telegram, TelegramNotifier)
    gateway = EscalationGateway(worker, store, telegram, None, ruleset.staff_telegram_users)
    bench = Bench(store, keyring, worker, clock, bot_api, smtp, hooks, gateway, [worker])
    yield bench
    for each in bench.workers:
        await each.close()


def only(items: Sequence[Any]) -> Any:
    assert len(items) == 1, items
    return items[0]
