"""The real application with the WhatsApp channel, served on loopback against a fake Graph API.

Tests post signed webhook bodies to the aiohttp application `tocsin run` serves, the inbox
component handles them as in production, and the answers land in the fake Graph API.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.channels.whatsapp_store import WhatsAppLedger
from nlu import Nlu
from reports.database import create_engine, upgrade_schema_sync
from reports.models import InboundItem
from tests.conftest import truncate_all
from tests.fakes.whatsapp import FakeGraphAPI, Person, message_webhook, new_wamid, sign
from tests.fakes.whatsapp_people import Reporter
from tocsin.app import App, build_app
from tocsin.components import Stopper
from tocsin.components import inbox as inbox_component
from tocsin.components import whatsapp as whatsapp_component
from tocsin.server import build_web_app
from tocsin.settings import Settings

APP_SECRET = "meta-app-secret-for-tests"
VERIFY_TOKEN = "verify-token-for-tests"
FOLLOWUP_TEMPLATE = "tocsin_followup"


@dataclass
class WhatsAppHarness:
    app: App
    graph: FakeGraphAPI
    server: TestServer
    http: aiohttp.ClientSession
    ledger: WhatsAppLedger

    @property
    def webhook_url(self) -> str:
        return str(self.server.make_url("/whatsapp/webhook"))

    async def post(
        self, body: dict[str, Any] | bytes, *, signature: str | None = "valid"
    ) -> tuple[int, str]:
        """Deliver a webhook as Meta does: the raw JSON, signed with the app secret."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "valid":
            headers["X-Hub-Signature-256"] = sign(raw, APP_SECRET)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        async with self.http.post(self.webhook_url, data=raw, headers=headers) as response:
            return response.status, await response.text()

    async def post_raw(self, raw: bytes) -> int:
        status, _text = await self.post(raw)
        return status

    async def say(self, person: Person, content: dict[str, Any]) -> list[dict[str, Any]]:
        """One message from `person`, handled to the end; the bot's answers to it."""
        seen = len(self.graph.messages_to(person.address))
        wamid = new_wamid()
        status, _text = await self.post(message_webhook(person, content, wamid=wamid))
        assert status == 200
        await self.graph.wait_read(wamid)
        return self.graph.messages_to(person.address)[seen:]

    def reporter(self, person: Person, language: str) -> Reporter:
        return Reporter(person, language, self.graph, self.post_raw)

    async def inbox_rows(self) -> int:
        async with self.app.database.connect() as connection:
            return int(
                (
                    await connection.execute(select(func.count()).select_from(InboundItem))
                ).scalar_one()
            )


_migrated: list[Path] = []


async def migrated_database(database_url: str) -> None:
    """Put a freshly migrated SQLite database at `database_url` (migrated once per run); a
    PostgreSQL database (migrated by its fixture) is emptied instead."""
    if not database_url.startswith("sqlite"):
        engine = create_engine(database_url)
        try:
            await truncate_all(engine)
        finally:
            await engine.dispose()
        return
    if not _migrated:
        folder = Path(tempfile.mkdtemp(prefix="tocsin-whatsapp-"))
        atexit.register(shutil.rmtree, folder, True)
        await asyncio.to_thread(upgrade_schema_sync, f"sqlite+aiosqlite:///{folder / 'db'}")
        _migrated.append(folder / "db")
    target = Path(database_url.split(":///", 1)[1])
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated[0], target)


@asynccontextmanager
async def whatsapp_harness(
    settings: Settings, nlu: Nlu, **overrides: Any
) -> AsyncIterator[WhatsAppHarness]:
    """The application, its WhatsApp and inbox components, and the fake Graph API."""
    graph = await FakeGraphAPI(templates={FOLLOWUP_TEMPLATE: {"en", "fr", "ar"}}).start()
    configured = Settings(
        **{
            **settings.model_dump(),
            "whatsapp_token": graph.token,
            "whatsapp_phone_number_id": graph.phone_number_id,
            "whatsapp_app_secret": APP_SECRET,
            "whatsapp_verify_token": VERIFY_TOKEN,
            "whatsapp_graph_url": graph.base_url,
            **overrides,
        },
        _env_file=None,
    )
    await migrated_database(configured.database_url)
    app = await build_app(configured, nlu=nlu, migrate=False)
    web_app = build_web_app(app)
    stoppers: list[Stopper] = []
    for component in (whatsapp_component, inbox_component):
        stopper = await component.start(app, web_app)
        assert stopper is not None
        stoppers.append(stopper)
    server = TestServer(web_app, host="127.0.0.1")
    await server.start_server()
    http = aiohttp.ClientSession()
    try:
        yield WhatsAppHarness(app, graph, server, http, WhatsAppLedger(app.database))
    finally:
        await http.close()
        for stopper in reversed(stoppers):
            await stopper()
        await server.close()
        await app.close()
        await graph.close()
