"""The SMS webhooks: a provider's inbound messages and delivery reports, authenticated first.

- Twilio signs each request: `X-Twilio-Signature` is the base64 HMAC-SHA1, keyed with the
  auth token, of the exact public URL Twilio called (TOCSIN_PUBLIC_URL + path and query)
  followed by every form field, sorted by name, as name + value.
- Africa's Talking does not sign: its callback URLs carry the shared secret
  (`?secret=...`, TOCSIN_SMS_WEBHOOK_SECRET), compared in constant time.
- The Android SMS Gateway signs its JSON events: `X-Signature` is the hex HMAC-SHA256 of the
  raw body followed by `X-Timestamp`, keyed with the shared secret; a timestamp more than five
  minutes away is refused (a replay). A Kannel-style form carries the secret like Africa's
  Talking.

A request that fails this is refused with nothing stored. An inbound SMS is answered only
after it is committed to the durable inbox (idempotent on the provider's message id), so a
redelivery is a no-op; STOP is recorded before the answer, so no later reply goes out (a
message accepted after it lifts it when its turn runs, see `SmsChannel`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from aiohttp import web

from bot.channels.sms_payloads import (
    CHANNEL,
    DeliveryReport,
    IncomingSms,
    PayloadError,
    africastalking_delivery,
    africastalking_inbound,
    gateway_event,
    gateway_form,
    is_opt_out,
    twilio_inbound,
    twilio_status,
)
from bot.channels.sms_store import Clock, SmsStore, utc_now
from bot.channels.webhook_body import BodyRefused, read_body
from bot.inbox import Inbox
from reports.crypto import Keyring

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
TWILIO_HEADER = "X-Twilio-Signature"
GATEWAY_SIGNATURE, GATEWAY_TIMESTAMP = "X-Signature", "X-Timestamp"
GATEWAY_SKEW_SECONDS = 300
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

ReportHandler = Callable[[DeliveryReport], Awaitable[None]]


def twilio_signature(url: str, fields: list[tuple[str, str]], auth_token: str) -> str:
    """What Twilio puts in X-Twilio-Signature for a form post of `fields` to `url`."""
    data = url + "".join(name + value for name, value in sorted(fields, key=lambda f: f[0]))
    digest = hmac.new(auth_token.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def gateway_signature(body: bytes, timestamp: str, secret: str) -> str:
    """What the Android SMS Gateway puts in X-Signature."""
    return hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


async def read_limited(request: web.Request, limit: int) -> bytes | None:
    """The raw body, or None when it is larger than `limit` or too slow to arrive."""
    try:
        return await read_body(request, limit)
    except BodyRefused:
        return None


def _same(received: str, expected: str) -> bool:
    return hmac.compare_digest(received.strip().encode(), expected.encode())


class SmsWebhook:
    """The routes of the configured provider, under `/sms/<provider>/...`."""

    def __init__(
        self,
        *,
        provider: str,
        inbox: Inbox,
        store: SmsStore,
        keyring: Keyring,
        on_report: ReportHandler,
        public_url: str = "",
        auth_token: str = "",
        secret: str = "",
        clock: Clock = utc_now,
    ) -> None:
        self.provider = provider
        self._inbox = inbox
        self._store = store
        self._keyring = keyring
        self._on_report = on_report
        self._public_url = public_url.rstrip("/")
        self._auth_token = auth_token
        self._secret = secret
        self._clock = clock

    def add_routes(self, app: web.Application) -> None:
        base = f"/sms/{self.provider}"
        if self.provider == "africastalking":
            app.router.add_post(f"{base}/inbound", self.africastalking_inbound)
            app.router.add_post(f"{base}/delivery", self.africastalking_delivery)
        elif self.provider == "twilio":
            app.router.add_post(f"{base}/inbound", self.twilio_inbound)
            app.router.add_post(f"{base}/status", self.twilio_status)
        else:
            app.router.add_post(f"{base}/inbound", self.gateway)

    # --- authentication ----------------------------------------------------------------------

    def _secret_matches(self, request: web.Request) -> bool:
        given = request.query.get("secret") or request.headers.get("X-Webhook-Secret") or ""
        return bool(self._secret) and _same(given, self._secret)

    async def _form(self, request: web.Request) -> list[tuple[str, str]] | None:
        body = await read_limited(request, MAX_BODY_BYTES)
        if body is None:
            return None
        return parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)

    async def _twilio_form(self, request: web.Request) -> list[tuple[str, str]] | web.Response:
        header = request.headers.get(TWILIO_HEADER)
        if not header:
            log.warning("sms twilio request refused: no signature")
            return web.Response(status=401, text="signature required")
        fields = await self._form(request)
        if fields is None:
            return web.Response(status=413, text="too large")
        url = self._public_url + request.path_qs
        if not _same(header, twilio_signature(url, fields, self._auth_token)):
            log.warning("sms twilio request refused: bad signature")
            return web.Response(status=403, text="bad signature")
        return fields

    async def _secret_form(self, request: web.Request) -> list[tuple[str, str]] | web.Response:
        if not self._secret_matches(request):
            log.warning("sms %s request refused: no or wrong secret", self.provider)
            return web.Response(status=403, text="forbidden")
        fields = await self._form(request)
        if fields is None:
            return web.Response(status=413, text="too large")
        return fields

    # --- inbound -------------------------------------------------------------------------------

    async def accept(self, sms: IncomingSms) -> None:
        """Into the inbox (whole), STOP recorded at once; a part waits for the others."""
        pseudonym = self._keyring.pseudonym(CHANNEL, sms.sender)
        if sms.part is not None:
            whole = await self._store.add_part(pseudonym, sms)
            if whole is None:
                return
            sms = whole
        if is_opt_out(sms.text):
            await self._store.set_opted_out(pseudonym, True)
        await self._inbox.accept(CHANNEL, sms.external_id, pseudonym, sms.to_json())

    async def _inbound(self, read: Callable[[], IncomingSms], answer: web.Response) -> web.Response:
        try:
            sms = read()
        except PayloadError as error:
            log.warning("sms %s inbound unreadable: %s", self.provider, error)
            return web.Response(status=400, text="unreadable")
        try:
            await self.accept(sms)
        except Exception:
            log.exception("sms inbound not stored; the provider will deliver it again")
            return web.Response(status=503, text="try again")
        return answer

    async def _report(self, read: Callable[[], DeliveryReport]) -> web.Response:
        try:
            report = read()
        except PayloadError as error:
            log.warning("sms %s delivery report unreadable: %s", self.provider, error)
            return web.Response(status=400, text="unreadable")
        try:
            await self._on_report(report)
        except Exception:
            log.exception("sms delivery report not recorded")
            return web.Response(status=503, text="try again")
        return web.Response(text="ok")

    async def africastalking_inbound(self, request: web.Request) -> web.Response:
        fields = await self._secret_form(request)
        if isinstance(fields, web.Response):
            return fields
        now = self._clock()
        return await self._inbound(
            lambda: africastalking_inbound(dict(fields), now), web.Response(text="ok")
        )

    async def africastalking_delivery(self, request: web.Request) -> web.Response:
        fields = await self._secret_form(request)
        if isinstance(fields, web.Response):
            return fields
        return await self._report(lambda: africastalking_delivery(dict(fields)))

    async def twilio_inbound(self, request: web.Request) -> web.Response:
        fields = await self._twilio_form(request)
        if isinstance(fields, web.Response):
            return fields
        now = self._clock()
        empty = web.Response(text=EMPTY_TWIML, content_type="text/xml")
        return await self._inbound(lambda: twilio_inbound(dict(fields), now), empty)

    async def twilio_status(self, request: web.Request) -> web.Response:
        fields = await self._twilio_form(request)
        if isinstance(fields, web.Response):
            return fields
        return await self._report(lambda: twilio_status(dict(fields)))

    async def gateway(self, request: web.Request) -> web.Response:
        """The Android SMS Gateway's signed JSON events, or a Kannel-style form."""
        if request.content_type != "application/json":
            fields = await self._secret_form(request)
            if isinstance(fields, web.Response):
                return fields
            now = self._clock()
            return await self._inbound(
                lambda: gateway_form(dict(fields), now), web.Response(text="ok")
            )
        body = await read_limited(request, MAX_BODY_BYTES)
        if body is None:
            return web.Response(status=413, text="too large")
        if not self._gateway_signed(request, body):
            return web.Response(status=403, text="bad signature")
        now = self._clock()
        try:
            event = gateway_event(json.loads(body), now)
        except (ValueError, PayloadError) as error:
            log.warning("sms gateway event unreadable: %s", type(error).__name__)
            return web.Response(status=400, text="unreadable")
        if isinstance(event, DeliveryReport):
            return await self._report(lambda: event)
        return await self._inbound(lambda: event, web.Response(text="ok"))

    def _gateway_signed(self, request: web.Request, body: bytes) -> bool:
        signature = request.headers.get(GATEWAY_SIGNATURE, "")
        timestamp = request.headers.get(GATEWAY_TIMESTAMP, "")
        if not (signature and timestamp.isdigit() and self._secret):
            log.warning("sms gateway event refused: unsigned")
            return False
        skew = abs(self._clock().timestamp() - int(timestamp))
        if skew > GATEWAY_SKEW_SECONDS:
            log.warning("sms gateway event refused: stale timestamp")
            return False
        if not _same(signature, gateway_signature(body, timestamp, self._secret)):
            log.warning("sms gateway event refused: bad signature")
            return False
        return True
