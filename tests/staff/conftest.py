"""A staff desk on loopback: the real sub-application over the escalation bench.

The bench (tests/escalation) brings a database of either backend, the report store, a worker
on a hand-moved clock and the fake Telegram Bot API of the staff chats. Here the desk is
mounted as `tocsin` mounts it, one account per role is created through `Accounts`, and each
test signs in through the real forms (password, then the TOTP code at the desk's clock).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
import pyotp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from escalation.gateway import EscalationGateway
from staff.accounts import Accounts
from staff.app import mount
from staff.context import StaffContext
from tests.escalation.conftest import (  # noqa: F401  (fixtures used through `bench`)
    Bench,
    bench,
    bot_api,
    clock,
    hooks,
    smtp,
    smtp_server,
    store,
)

PASSWORD = "a long enough pass phrase"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ROLES = ("viewer", "analyst", "confidential", "admin")
_STEP = timedelta(seconds=30)


@dataclass
class Account:
    email: str
    role: str
    secret: str


@dataclass
class Desk:
    """The desk under test and one browser-like HTTP client per signed-in member."""

    bench: Bench
    context: StaffContext
    server: TestServer
    accounts: dict[str, Account]
    clients: list[aiohttp.ClientSession] = field(default_factory=list)

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    def client(self) -> aiohttp.ClientSession:
        session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.clients.append(session)
        return session

    def code(self, role: str) -> str:
        return pyotp.TOTP(self.accounts[role].secret).at(self.context.clock.now())

    async def csrf(self, client: aiohttp.ClientSession, path: str = "/staff/login") -> str:
        async with client.get(self.url(path)) as response:
            found = CSRF.search(await response.text())
        assert found, f"no CSRF field on {path}"
        return found.group(1)

    async def post(
        self, client: aiohttp.ClientSession, path: str, data: dict[str, str], **options: Any
    ) -> aiohttp.ClientResponse:
        return await client.post(self.url(path), data=data, **options)

    async def sign_in(self, role: str) -> aiohttp.ClientSession:
        """A client signed in as `role` through both forms."""
        client = self.client()
        account = self.accounts[role]
        token = await self.csrf(client)
        form = {"csrf": token, "email": account.email, "password": PASSWORD}
        async with await self.post(client, "/staff/login", form) as response:
            assert response.status == 200, await response.text()
            token = CSRF.search(await response.text()).group(1)  # type: ignore[union-attr]
        async with await self.post(
            client, "/staff/login", {"csrf": token, "code": self.code(role)}
        ) as response:
            assert response.status == 200 and response.url.path == "/staff/", response.url
        self.context.clock.advance(_STEP)  # type: ignore[attr-defined]  (codes are single-use)
        return client

    async def get(self, client: aiohttp.ClientSession, path: str) -> tuple[int, str]:
        async with client.get(self.url(path), allow_redirects=False) as response:
            return response.status, await response.text()

    async def page_csrf(self, client: aiohttp.ClientSession, path: str = "/staff/") -> str:
        return await self.csrf(client, path)


async def make_accounts(context: StaffContext) -> dict[str, Account]:
    accounts = Accounts(context.database, context.keyring)
    found = {}
    for role in ROLES:
        email = f"{role}@desk.example.org"
        _info, uri = await accounts.add(email, role, PASSWORD, role.title(), "test")
        secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)  # type: ignore[union-attr]
        found[role] = Account(email, role, secret)
    return found


@pytest.fixture
async def desk(bench: Bench) -> AsyncIterator[Desk]:  # noqa: F811
    def gateway() -> EscalationGateway:
        return bench.gateway  # read at each action: a test may give the bench another one

    context = StaffContext(
        database=bench.store.engine,
        keyring=bench.keyring,
        store=bench.store,
        gateway=gateway,
        clock=bench.clock,
        poll_seconds=0.5,
    )
    parent = web.Application()
    mount(parent, context)
    server = TestServer(parent, host="127.0.0.1")
    await server.start_server()
    harness = Desk(bench, context, server, await make_accounts(context))
    try:
        yield harness
    finally:
        for client in harness.clients:
            await client.close()
        await server.close()
