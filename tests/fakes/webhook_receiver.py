"""A receiver of Tocsin's signed webhooks on loopback: checks signatures, refuses replays.

It verifies `X-Tocsin-Signature` over `"<timestamp>.<body>"` and refuses old timestamps, as a
real receiving system should; it can answer 429 or 500 to test retries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from escalation.notifiers.webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify,
)
from tests.fakes.loopback import serve_on_loopback


@dataclass
class WebhookReceiver:
    secret: str
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0
    fail_next: int = 0  # answer 500 this many times
    throttle_next: int = 0  # answer 429 this many times
    deliveries: list[str] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> WebhookReceiver:
        app = web.Application()
        app.router.add_post("/hook", self._receive)
        self._runner, port = await serve_on_loopback(app)
        self.url = f"http://127.0.0.1:{port}/hook"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not verify(
            self.secret,
            request.headers.get(TIMESTAMP_HEADER),
            body,
            request.headers.get(SIGNATURE_HEADER),
        ):
            self.refused += 1
            return web.Response(status=401)
        if self.throttle_next > 0:
            self.throttle_next -= 1
            return web.Response(status=429, headers={"Retry-After": "0"})
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.Response(status=500)
        self.deliveries.append(request.headers.get(DELIVERY_HEADER, ""))
        self.accepted.append(json.loads(body))
        return web.Response(status=204)
