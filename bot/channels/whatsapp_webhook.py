"""The WhatsApp webhook: Meta's subscription handshake and its signed deliveries.

A delivery is trusted only after its `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with
the app secret) matches in constant time; nothing is parsed before that, and a request without
a well-formed signature header is refused before its body is read. A signed body that cannot be
read (not JSON, nested absurdly deep, a shape Meta never sends) is answered 200 with nothing
stored and a log line: any error status would make Meta deliver the same poison for days. An
error status is kept for what a retry can fix (the database did not answer). It is acknowledged
with 200 only once every message in it is committed to the durable inbox and every status is
recorded, so a crash before the answer makes Meta deliver again, and a redelivery is a no-op
(the inbox is unique on the wamid). The conversation itself runs later, from the inbox.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

from aiohttp import web

import bot.channels.whatsapp_erasure  # noqa: F401  (what erasure does to its tables)
from bot.channels.webhook_body import (
    READ_TIMEOUT_SECONDS,
    BodyRefused,
    UnreadableBody,
    fixed_key,
    read_body,
    read_json,
)
from bot.channels.whatsapp_payloads import CHANNEL, PayloadError, read_delivery
from bot.channels.whatsapp_store import WhatsAppLedger
from bot.inbox import Inbox
from reports.crypto import Keyring

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_BODY_BYTES = 1024 * 1024  # Meta's deliveries are small JSON; media is fetched separately
SIGNATURE_SHAPE = re.compile(r"^sha256=[0-9a-fA-F]{64}$")


def signature(body: bytes, app_secret: str) -> str:
    """The header value Meta sends with `body`: `sha256=<hex>`."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(body: bytes, header: str, app_secret: str) -> bool:
    """Constant-time comparison of the received header with the expected signature."""
    return hmac.compare_digest(signature(body, app_secret).encode(), header.strip().encode())


class WhatsAppWebhook:
    """`GET|POST /whatsapp/webhook` for one business phone number."""

    def __init__(
        self,
        *,
        app_secret: str,
        verify_token: str,
        phone_number_id: str,
        inbox: Inbox,
        ledger: WhatsAppLedger,
        keyring: Keyring,
        max_body_bytes: int = MAX_BODY_BYTES,
        read_timeout: float = READ_TIMEOUT_SECONDS,
    ) -> None:
        self._app_secret = app_secret
        self._verify_token = verify_token
        self._phone_number_id = phone_number_id
        self._inbox = inbox
        self._ledger = ledger
        self._keyring = keyring
        self._max_body_bytes = max_body_bytes
        self._read_timeout = read_timeout

    def add_routes(self, app: web.Application, path: str = "/whatsapp/webhook") -> None:
        app.router.add_get(path, self.handshake)
        app.router.add_post(path, self.receive)

    async def handshake(self, request: web.Request) -> web.Response:
        """Meta subscribes the URL: echo `hub.challenge` when the verify token is ours."""
        query = request.query
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") != "subscribe" or not hmac.compare_digest(
            token.encode(), self._verify_token.encode()
        ):
            log.warning("whatsapp handshake refused")
            return web.Response(status=403, text="forbidden")
        return web.Response(text=query.get("hub.challenge", ""))

    async def receive(self, request: web.Request) -> web.Response:
        """Check the signature on the raw body, then accept every message before answering."""
        header = (request.headers.get(SIGNATURE_HEADER) or "").strip()
        if not header:
            log.warning("whatsapp delivery refused: no signature")
            return web.Response(status=401, text="signature required")
        if not SIGNATURE_SHAPE.match(header):
            log.warning("whatsapp delivery refused: malformed signature")
            return web.Response(status=403, text="bad signature")
        try:
            body = await read_body(request, self._max_body_bytes, self._read_timeout)
        except BodyRefused as refused:
            log.warning("whatsapp delivery refused: %s", refused.reason)
            return web.Response(status=refused.status, text=refused.reason)
        if not signature_matches(body, header, self._app_secret):
            log.warning("whatsapp delivery refused: bad signature")
            return web.Response(status=403, text="bad signature")
        try:
            parsed, _repaired = read_json(body)
            delivery = read_delivery(parsed, self._phone_number_id)
        except (UnreadableBody, PayloadError) as error:
            log.warning("whatsapp delivery unreadable, nothing stored: %s", error)
            return web.Response(text="ok")
        if delivery.ignored:
            log.info("whatsapp delivery parts ignored count=%d", delivery.ignored)
        try:
            for item in delivery.messages:
                pseudonym = self._keyring.pseudonym(CHANNEL, item.sender.id)
                key = fixed_key(item.wamid)
                await self._inbox.accept(CHANNEL, key, pseudonym, item.to_json())
            if delivery.statuses:
                await self._ledger.record_statuses(delivery.statuses)
        except Exception:
            log.exception("whatsapp delivery not stored; Meta will deliver it again")
            return web.Response(status=503, text="try again")
        return web.Response(text="ok")
