"""The real application with the SMS channel, served on loopback against a fake provider.

Tests post inbound bodies in the provider's shape (signed or carrying the secret as the
provider does) to the aiohttp application `tocsin run` serves; the inbox component handles
them as in production and the bot's SMS land in the fake provider.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp.test_utils import TestServer

from bot.channels.sms_store import SmsStore
from nlu import Nlu
from tests.bot.channels.whatsapp_harness import migrated_database
from tests.fakes import sms as fake
from tests.fakes.sms_people import SmsReporter
from tocsin.app import App, build_app
from tocsin.components import Stopper
from tocsin.components import inbox as inbox_component
from tocsin.components import sms as sms_component
from tocsin.server import build_web_app
from tocsin.settings import Settings

PROVIDERS = ("africastalking", "twilio", "http")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def provider_settings(provider: str, api_url: str) -> dict[str, Any]:
    common = {"sms_provider": provider, "sms_api_url": api_url, "public_url": fake.PUBLIC_URL}
    if provider == "africastalking":
        return {
            **common,
            "sms_username": fake.AT_USERNAME,
            "sms_api_key": fake.AT_API_KEY,
            "sms_sender": fake.AT_SHORT_CODE,
            "sms_webhook_secret": fake.WEBHOOK_SECRET,
        }
    if provider == "twilio":
        return {
            **common,
            "sms_account_sid": fake.TWILIO_SID,
            "sms_auth_token": fake.TWILIO_TOKEN,
            "sms_sender": fake.TWILIO_NUMBER,
        }
    return {
        **common,
        "sms_username": fake.GATEWAY_USER,
        "sms_api_key": fake.GATEWAY_PASSWORD,
        "sms_webhook_secret": fake.WEBHOOK_SECRET,
    }


@dataclass
class SmsHarness:
    provider: str
    app: App
    fake: fake.FakeSmsProvider
    server: TestServer
    http: aiohttp.ClientSession
    store: SmsStore

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    async def post_form(
        self, path: str, fields: list[tuple[str, str]], headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        async with self.http.post(
            self.url(path), data=urlencode(fields), headers={**FORM, **(headers or {})}
        ) as response:
            return response.status, await response.text()

    async def post_json(
        self, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        raw = json.dumps(body).encode()
        async with self.http.post(
            self.url("/sms/http/inbound"), data=raw, headers=headers or fake.gateway_headers(raw)
        ) as response:
            return response.status, await response.text()

    async def inbound(self, sender: str, text: str, message_id: str | None = None) -> int:
        """One SMS from `sender`, delivered as the provider delivers it."""
        if self.provider == "africastalking":
            fields = fake.at_inbound(sender, text, message_id)
            status, _text = await self.post_form(
                f"/sms/africastalking/inbound?secret={fake.WEBHOOK_SECRET}", fields
            )
        elif self.provider == "twilio":
            fields = fake.twilio_inbound(sender, text, message_id)
            signature = fake.twilio_signature(f"{fake.PUBLIC_URL}/sms/twilio/inbound", fields)
            status, _text = await self.post_form(
                "/sms/twilio/inbound", fields, {"X-Twilio-Signature": signature}
            )
        else:
            status, _text = await self.post_json(fake.gateway_received(sender, text, message_id))
        return status

    def reporter(self, number: str, language: str) -> SmsReporter:
        return SmsReporter(number, language, self.fake, self.inbound)


@asynccontextmanager
async def sms_harness(
    settings: Settings, nlu: Nlu, provider: str, **overrides: Any
) -> AsyncIterator[SmsHarness]:
    """The application, its SMS and inbox components, and the fake provider."""
    provider_fake = await fake.FakeSmsProvider(provider).start()
    configured = Settings(
        **{
            **settings.model_dump(),
            **provider_settings(provider, provider_fake.base_url),
            **overrides,
        },
        _env_file=None,
    )
    await migrated_database(configured.database_url)
    app = await build_app(configured, nlu=nlu, migrate=False)
    web_app = build_web_app(app)
    stoppers: list[Stopper] = []
    for component in (sms_component, inbox_component):
        stopper = await component.start(app, web_app)
        assert stopper is not None
        stoppers.append(stopper)
    server = TestServer(web_app, host="127.0.0.1")
    await server.start_server()
    provider_fake.webhook_base = str(server.make_url("")).rstrip("/")
    http = aiohttp.ClientSession()
    try:
        yield SmsHarness(
            provider, app, provider_fake, server, http, SmsStore(app.database, app.keyring)
        )
    finally:
        await http.close()
        for stopper in reversed(stoppers):
            await stopper()
        await server.close()
        await app.close()
        await provider_fake.close()
