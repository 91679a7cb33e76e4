"""Fake SMS providers on loopback (Africa's Talking, Twilio, an Android SMS gateway), and their
side of the webhooks.

The fake serves each provider's send API in its real shape (paths, authentication, form or
JSON bodies, answers and error envelopes), records every SMS with its segment count as the
network would bill it, fails on demand with the provider's own errors, and posts delivery
reports back to the bot's webhook exactly as the provider would (Twilio's signed with the
auth token over the public URL, the gateway's with its shared secret).

Builders for inbound bodies use the providers' field sets (replayed files of real payloads
live in tests/payloads/sms/).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from tests.fakes.loopback import serve_on_loopback

AT_USERNAME, AT_API_KEY, AT_SHORT_CODE = "sandbox", "atsk_test_key", "21512"
TWILIO_SID = "AC" + "0" * 30 + "12"
TWILIO_TOKEN = "twilio-auth-token-for-tests"
TWILIO_NUMBER = "+12028831111"
GATEWAY_USER, GATEWAY_PASSWORD = "gateway", "gateway-password"
WEBHOOK_SECRET = "sms-webhook-secret-for-tests"
PUBLIC_URL = "https://tocsin.example.org"
_ids = itertools.count(1)


def twilio_signature(url: str, fields: list[tuple[str, str]], token: str = TWILIO_TOKEN) -> str:
    """Twilio's X-Twilio-Signature, computed as Twilio documents it (independently of ours)."""
    data = url
    for name, value in sorted(fields, key=lambda pair: pair[0]):
        data += name + value
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def gateway_headers(body: bytes, secret: str = WEBHOOK_SECRET, at: float | None = None) -> dict:
    timestamp = str(int(time.time() if at is None else at))
    signature = hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Signature": signature,
        "X-Timestamp": timestamp,
    }


# --- inbound bodies ----------------------------------------------------------------------------


def at_inbound(sender: str, text: str, message_id: str | None = None) -> list[tuple[str, str]]:
    return [
        ("linkId", f"{next(_ids):020d}"),
        ("text", text),
        ("to", AT_SHORT_CODE),
        ("id", message_id or str(uuid.uuid4())),
        ("date", "2026-12-04 10:15:00"),
        ("from", sender),
    ]


def twilio_inbound(sender: str, text: str, sid: str | None = None) -> list[tuple[str, str]]:
    sid = sid or "SM" + uuid.uuid4().hex
    return [
        ("ToCountry", "US"),
        ("ToState", "District Of Columbia"),
        ("SmsMessageSid", sid),
        ("NumMedia", "0"),
        ("ToCity", ""),
        ("FromZip", ""),
        ("SmsSid", sid),
        ("FromState", ""),
        ("SmsStatus", "received"),
        ("FromCity", ""),
        ("Body", text),
        ("FromCountry", "ML"),
        ("To", TWILIO_NUMBER),
        ("ToZip", ""),
        ("NumSegments", "1"),
        ("MessageSid", sid),
        ("AccountSid", TWILIO_SID),
        ("From", sender),
        ("ApiVersion", "2010-04-01"),
    ]


def gateway_received(sender: str, text: str, event_id: str | None = None) -> dict[str, Any]:
    return {
        "deviceId": "ffffffffceb0b1db0000018e937c815b",
        "event": "sms:received",
        "id": event_id or uuid.uuid4().hex[:21],
        "payload": {
            "messageId": hashlib.sha1(text.encode()).hexdigest()[:16],
            "message": text,
            "phoneNumber": sender,
            "simNumber": 1,
            "receivedAt": "2026-12-04T10:15:00.000+00:00",
        },
        "webhookId": "LreFUt-Z3sSq0JufY9uWB",
    }


@dataclass
class SentSms:
    provider: str
    message_id: str
    to: str
    text: str
    at: float


@dataclass
class FakeSmsProvider:
    """One provider's send API; `webhook_base` is where its reports go (set by the harness)."""

    provider: str
    webhook_base: str = ""  # the bot's loopback URL
    sent: list[SentSms] = field(default_factory=list)
    by_recipient: dict[str, list[SentSms]] = field(default_factory=lambda: defaultdict(list))
    fail_next: list[str] = field(default_factory=list)  # error codes for the next sends
    unavailable: int = 0  # the next sends answer 503
    base_url: str = ""
    _runner: web.AppRunner | None = None
    _arrived: asyncio.Condition | None = None

    async def start(self) -> FakeSmsProvider:
        app = web.Application()
        app.router.add_post("/version1/messaging", self._africastalking)
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._twilio)
        app.router.add_post("/message", self._gateway)
        self._runner, port = await serve_on_loopback(app)
        self.base_url = f"http://127.0.0.1:{port}"
        self._arrived = asyncio.Condition()
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _record(self, to: str, text: str, prefix: str) -> SentSms:
        sms = SentSms(self.provider, f"{prefix}{uuid.uuid4().hex}", to, text, time.monotonic())
        self.sent.append(sms)
        self.by_recipient[to].append(sms)
        assert self._arrived is not None
        async with self._arrived:
            self._arrived.notify_all()
        return sms

    def messages_to(self, number: str) -> list[str]:
        return [sms.text for sms in self.by_recipient.get(number, [])]

    async def wait_for(self, number: str, count: int, timeout: float = 30.0) -> list[str]:
        """The texts sent to `number` once there are at least `count` of them."""
        assert self._arrived is not None
        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: len(self.by_recipient.get(number, [])) >= count),
                timeout,
            )
        return self.messages_to(number)

    # --- the providers' send APIs -------------------------------------------------------------

    def _failure(self) -> str | None:
        return self.fail_next.pop(0) if self.fail_next else None

    async def _africastalking(self, request: web.Request) -> web.Response:
        form = await request.post()
        if request.headers.get("apiKey") != AT_API_KEY or form.get("username") != AT_USERNAME:
            return web.Response(status=401, text="The supplied authentication is invalid")
        if self.unavailable:
            self.unavailable -= 1
            return web.Response(status=503, text="Service Unavailable")
        failure = self._failure()
        to, text = str(form["to"]), str(form["message"])
        if failure:
            recipient = {
                "statusCode": int(failure),
                "number": to,
                "status": "InvalidPhoneNumber",
                "cost": "0",
                "messageId": "None",
            }
        else:
            sms = await self._record(to, text, "ATXid_")
            recipient = {
                "statusCode": 101,
                "number": to,
                "status": "Success",
                "cost": "KES 0.8000",
                "messageId": sms.message_id,
            }
        return web.json_response(
            {
                "SMSMessageData": {
                    "Message": "Sent to 1/1 Total Cost: KES 0.8000",
                    "Recipients": [recipient],
                }
            },
            status=201,
        )

    async def _twilio(self, request: web.Request) -> web.Response:
        expected = aiohttp.encode_basic_auth(TWILIO_SID, TWILIO_TOKEN)
        if (
            request.match_info["sid"] != TWILIO_SID
            or request.headers.get("Authorization") != expected
        ):
            return web.json_response(
                {"code": 20003, "message": "Authenticate", "status": 401}, status=401
            )
        if self.unavailable:
            self.unavailable -= 1
            return web.json_response(
                {"code": 20500, "message": "Internal Server Error", "status": 500}, status=500
            )
        form = await request.post()
        failure = self._failure()
        if failure:
            return web.json_response(
                {
                    "code": int(failure),
                    "message": "Attempt to send to unsubscribed recipient",
                    "more_info": f"https://www.twilio.com/docs/errors/{failure}",
                    "status": 400,
                },
                status=400,
            )
        sms = await self._record(str(form["To"]), str(form["Body"]), "SM")
        return web.json_response(
            {
                "sid": sms.message_id,
                "status": "queued",
                "to": sms.to,
                "from": form["From"],
                "body": sms.text,
                "num_segments": "1",
                "account_sid": TWILIO_SID,
                "api_version": "2010-04-01",
                "error_code": None,
            },
            status=201,
        )

    async def _gateway(self, request: web.Request) -> web.Response:
        expected = aiohttp.encode_basic_auth(GATEWAY_USER, GATEWAY_PASSWORD)
        if request.headers.get("Authorization") != expected:
            return web.json_response({"message": "Unauthorized"}, status=401)
        if self.unavailable:
            self.unavailable -= 1
            return web.json_response({"message": "device offline"}, status=503)
        body = await request.json()
        if self._failure():
            return web.json_response({"message": "invalid phone number"}, status=400)
        to = body["phoneNumbers"][0]
        sms = await self._record(to, body["textMessage"]["text"], "")
        return web.json_response(
            {
                "id": sms.message_id,
                "state": "Pending",
                "recipients": [{"phoneNumber": to, "state": "Pending"}],
            },
            status=202,
        )

    # --- delivery reports back to the bot --------------------------------------------------------

    async def report(self, message_id: str, delivered: bool, http: aiohttp.ClientSession) -> int:
        """Post the delivery report of `message_id` to the bot's webhook; the HTTP status."""
        if self.provider == "africastalking":
            fields = [
                ("id", message_id),
                ("status", "Success" if delivered else "Failed"),
                ("phoneNumber", "+0"),
                ("networkCode", "63902"),
                ("retryCount", "0"),
            ]
            if not delivered:
                fields.append(("failureReason", "DeliveryFailure"))
            url = f"{self.webhook_base}/sms/africastalking/delivery?secret={WEBHOOK_SECRET}"
            async with http.post(url, data=urlencode(fields), headers=FORM) as response:
                return response.status
        if self.provider == "twilio":
            fields = [
                ("MessageSid", message_id),
                ("SmsSid", message_id),
                ("MessageStatus", "delivered" if delivered else "undelivered"),
                ("SmsStatus", "delivered" if delivered else "undelivered"),
                ("To", "+0"),
                ("From", TWILIO_NUMBER),
                ("AccountSid", TWILIO_SID),
                ("ApiVersion", "2010-04-01"),
            ]
            if not delivered:
                fields.append(("ErrorCode", "30003"))
            headers = {
                **FORM,
                "X-Twilio-Signature": twilio_signature(f"{PUBLIC_URL}/sms/twilio/status", fields),
            }
            async with http.post(
                f"{self.webhook_base}/sms/twilio/status", data=urlencode(fields), headers=headers
            ) as response:
                return response.status
        event = {
            "deviceId": "ffffffffceb0b1db0000018e937c815b",
            "event": "sms:delivered" if delivered else "sms:failed",
            "id": uuid.uuid4().hex[:21],
            "payload": {
                "messageId": message_id,
                "phoneNumber": "+0",
                "simNumber": 1,
                **(
                    {"deliveredAt": "2026-12-04T10:16:00.000+00:00"}
                    if delivered
                    else {
                        "failedAt": "2026-12-04T10:16:00.000+00:00",
                        "reason": "RESULT_ERROR_GENERIC_FAILURE",
                    }
                ),
            },
            "webhookId": "LreFUt-Z3sSq0JufY9uWB",
        }
        body = json.dumps(event).encode()
        async with http.post(
            f"{self.webhook_base}/sms/http/inbound", data=body, headers=gateway_headers(body)
        ) as response:
            return response.status


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
