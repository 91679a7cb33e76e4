"""A fake WhatsApp Cloud API (Graph API) on loopback, and Meta's side of the webhook.

It speaks the real HTTP shapes: `POST /{phone-number-id}/messages` (sends and mark-as-read),
`GET /{media-id}` (a download URL), the download URL itself (Bearer token required), and
Graph's error envelope `{"error": {"message", "type", "code", "error_data", "fbtrace_id"}}`.
It checks what Meta checks for the messages we use (button and row limits, template names and
parameters) so rendering mistakes fail here as they would in production, records every call,
fails on demand with real error codes, can play a person whose 24-hour window is closed, and
can post signed status callbacks (sent, delivered, read) back to the webhook as Meta does.

The module also builds webhook bodies in the exact shapes Meta documents
(entry -> changes -> value -> contacts / messages / statuses, `metadata.phone_number_id`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.loopback import serve_on_loopback

GRAPH_VERSION = "v21.0"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_PHONE_NUMBER = "15550783881"
WABA_ID = "102290129340398"

ERROR_TITLES = {
    4: "Application request limit reached",
    100: "Invalid parameter",
    131000: "Something went wrong",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    130429: "Rate limit hit",
    132000: "Number of parameters does not match the expected number of params",
    132001: "Template name does not exist in the translation",
    190: "Invalid OAuth access token - Cannot parse access token",
    80007: "Rate limit issues",
}


def graph_error(code: int, details: str = "") -> dict[str, Any]:
    """Graph's error envelope for `code`."""
    title = ERROR_TITLES.get(code, "Error")
    return {
        "error": {
            "message": f"(#{code}) {title}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or title},
            "fbtrace_id": "AbCdEfGhIjKlMnOpQrStUv",
        }
    }


def sign(body: bytes, app_secret: str) -> str:
    """The `X-Hub-Signature-256` Meta sends with a webhook body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


# --- webhook bodies, as Meta posts them ------------------------------------------------


def _envelope(value: dict[str, Any], phone_number_id: str) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": DISPLAY_PHONE_NUMBER,
                                "phone_number_id": phone_number_id,
                            },
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


@dataclass(frozen=True)
class Person:
    """A WhatsApp user: a phone number and a BSUID, or (with a username) a BSUID only."""

    bsuid: str
    phone: str | None = None
    name: str = "Amina"
    username: str | None = None

    @property
    def address(self) -> str:
        """What the business writes to: the phone when known, else the BSUID."""
        return self.phone or self.bsuid

    def contact(self) -> dict[str, Any]:
        profile: dict[str, Any] = {"name": self.name}
        if self.username:
            profile["username"] = self.username
        contact: dict[str, Any] = {"profile": profile}
        if self.phone:
            contact["wa_id"] = self.phone
        contact["user_id"] = self.bsuid
        return contact


_wamids = itertools.count(1)


def new_wamid() -> str:
    raw = f"\x15\x02\x00\x12\x18\x14{next(_wamids):020d}".encode()
    return "wamid.HBgL" + base64.b64encode(raw).decode()


def message_webhook(
    person: Person,
    content: dict[str, Any],
    *,
    wamid: str | None = None,
    phone_number_id: str = PHONE_NUMBER_ID,
) -> dict[str, Any]:
    """A messages webhook from `person`; `content` holds `type` and its object."""
    message: dict[str, Any] = {}
    if person.phone:
        message["from"] = person.phone
    message["from_user_id"] = person.bsuid
    message["id"] = wamid or new_wamid()
    message["timestamp"] = str(int(time.time()))
    message.update(content)
    return _envelope({"contacts": [person.contact()], "messages": [message]}, phone_number_id)


def text(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": body}}


def button_reply(reply_id: str, title: str) -> dict[str, Any]:
    return {
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}},
    }


def list_reply(reply_id: str, title: str) -> dict[str, Any]:
    return {
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": {"id": reply_id, "title": title}},
    }


def location(lat: float, lon: float, name: str | None = None) -> dict[str, Any]:
    pin: dict[str, Any] = {"latitude": lat, "longitude": lon}
    if name:
        pin["name"] = name
    return {"type": "location", "location": pin}


def status_webhook(
    wamid: str,
    status: str,
    recipient: str,
    *,
    error_code: int | None = None,
    phone_number_id: str = PHONE_NUMBER_ID,
) -> dict[str, Any]:
    """A statuses webhook for a message the business sent to `recipient`."""
    update: dict[str, Any] = {"id": wamid, "status": status, "timestamp": str(int(time.time()))}
    if recipient.isdigit():
        update["recipient_id"] = recipient
    else:
        update["recipient_user_id"] = recipient
    if error_code is not None:
        title = ERROR_TITLES.get(error_code, "Error")
        update["errors"] = [
            {
                "code": error_code,
                "title": title,
                "message": title,
                "error_data": {"details": title},
            }
        ]
    elif status in ("sent", "delivered"):
        update["pricing"] = {"billable": False, "pricing_model": "PMP", "category": "service"}
    return _envelope({"statuses": [update]}, phone_number_id)


# --- the fake Graph API ----------------------------------------------------------------


@dataclass
class Failure:
    code: int
    http_status: int = 400


@dataclass
class Media:
    content: bytes
    mime_type: str
    sha256: str  # base64, as Meta sends it


def _recipient(body: dict[str, Any]) -> str | None:
    return body.get("to") or body.get("recipient")


def _interactive_problem(interactive: dict[str, Any]) -> str | None:
    kind = interactive.get("type")
    body = (interactive.get("body") or {}).get("text") or ""
    action = interactive.get("action") or {}
    if kind == "button":
        buttons = action.get("buttons") or []
        titles = [button["reply"]["title"] for button in buttons]
        if not 1 <= len(buttons) <= 3 or len(set(titles)) != len(titles):
            return "buttons: 1 to 3, unique titles"
        if any(not 1 <= len(title) <= 20 for title in titles) or not 1 <= len(body) <= 1024:
            return "button title over 20 characters or body over 1024"
    elif kind == "list":
        rows = [row for section in action.get("sections") or [] for row in section["rows"]]
        if not 1 <= len(rows) <= 10 or not 1 <= len(action.get("button") or "") <= 20:
            return "list: 1 to 10 rows, a button label within 20 characters"
        if any(len(row["title"]) > 24 or len(row.get("description", "")) > 72 for row in rows):
            return "row title over 24 or description over 72 characters"
        if not 1 <= len(body) <= 4096:
            return "list body over 4096 characters"
    elif kind == "location_request_message":
        if action.get("name") != "send_location" or not 1 <= len(body) <= 1024:
            return "location request: action send_location, body within 1024"
    else:
        return f"interactive type {kind} not supported by this fake"
    return None


def _template_problem(
    template: dict[str, Any], templates: dict[str, set[str]]
) -> tuple[int, str] | None:
    name, code = template.get("name"), (template.get("language") or {}).get("code")
    if name not in templates or code not in templates[name]:
        return 132001, f"template {name} has no {code} translation"
    parameters = [
        parameter
        for component in template.get("components") or []
        if component.get("type") == "body"
        for parameter in component.get("parameters") or []
    ]
    if len(parameters) != 1:
        return 132000, "the template takes one body parameter"
    value = parameters[0].get("text") or ""
    if "\n" in value or "\t" in value or "     " in value or len(value) > 1024:
        return 100, "parameter with new lines, tabs or more than 4 spaces"
    return None


@dataclass
class FakeGraphAPI:
    """Runs on 127.0.0.1 on an ephemeral port; `base_url` is TOCSIN_WHATSAPP_GRAPH_URL."""

    token: str = "fake-graph-token"
    phone_number_id: str = PHONE_NUMBER_ID
    templates: dict[str, set[str]] = field(default_factory=dict)
    sent: list[dict[str, Any]] = field(default_factory=list)  # accepted message bodies
    wamids: list[str] = field(default_factory=list)  # their ids, in the same order
    sent_at: list[float] = field(default_factory=list)  # time.monotonic() of each acceptance
    refused: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    read_at: dict[str, float] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    unauthorised: int = 0
    closed_windows: set[str] = field(default_factory=set)
    # Meta's status callbacks: posted to `webhook_url`, signed with `app_secret`
    webhook_url: str | None = None
    app_secret: str | None = None
    callback_statuses: tuple[str, ...] = ("sent", "delivered", "read")
    callbacks_posted: int = 0  # status callbacks the webhook answered with 200

    def __post_init__(self) -> None:
        self._failures: list[Failure] = []
        self._media: dict[str, Media] = {}
        self._read_waiters: dict[str, asyncio.Future[None]] = {}
        self._by_recipient: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._arrivals: dict[str, list[float]] = defaultdict(list)
        self._runner: web.AppRunner | None = None
        self._callbacks: set[asyncio.Task[None]] = set()
        self._client: aiohttp.ClientSession | None = None
        self.port = 0

    # --- life cycle -------------------------------------------------------------------

    async def start(self) -> FakeGraphAPI:
        app = web.Application()
        app.router.add_post(f"/{GRAPH_VERSION}/{{phone_number_id}}/messages", self._messages)
        app.router.add_get("/whatsapp_business/attachments/", self._download)
        app.router.add_get(f"/{GRAPH_VERSION}/{{media_id}}", self._media_url)
        self._runner, self.port = await serve_on_loopback(app)
        return self

    async def close(self) -> None:
        for task in list(self._callbacks):
            task.cancel()
        await asyncio.gather(*self._callbacks, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/{GRAPH_VERSION}"

    # --- control ----------------------------------------------------------------------

    def fail_next(self, code: int, *, times: int = 1, http_status: int = 400) -> None:
        """The next `times` calls of /messages answer Graph error `code`."""
        self._failures.extend(Failure(code, http_status) for _ in range(times))

    def close_window(self, recipient: str) -> None:
        """This person last wrote more than 24 hours ago: free text gets error 131047."""
        self.closed_windows.add(recipient)

    def add_media(self, media_id: str, content: bytes, mime_type: str) -> str:
        """Serve a file the person sent; returns its SHA-256 as Meta shows it (base64)."""
        digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
        self._media[media_id] = Media(content, mime_type, digest)
        return digest

    def messages_to(self, recipient: str) -> list[dict[str, Any]]:
        """Everything accepted for `recipient` (a phone number or a BSUID), in order."""
        return list(self._by_recipient[recipient])

    def arrivals_to(self, recipient: str) -> list[float]:
        """When each message for `recipient` was accepted (time.monotonic())."""
        return list(self._arrivals[recipient])

    async def wait_read(self, wamid: str, timeout: float = 30.0) -> None:
        """Until the business marks `wamid` read (the channel does so once it answered)."""
        if wamid in self.reads:
            return
        future = self._read_waiters.setdefault(wamid, asyncio.get_running_loop().create_future())
        await asyncio.wait_for(asyncio.shield(future), timeout)

    # --- handlers ---------------------------------------------------------------------

    def _authorised(self, request: web.Request) -> bool:
        if request.headers.get("Authorization") == f"Bearer {self.token}":
            return True
        self.unauthorised += 1
        return False

    async def _messages(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response(graph_error(190), status=401)
        body = await request.json()
        if request.match_info["phone_number_id"] != self.phone_number_id:
            return web.json_response(graph_error(100, "unknown phone number id"), status=400)
        if body.get("status") == "read":
            return self._read(body)
        if self._failures:
            failure = self._failures.pop(0)
            self.refused.append((body, failure.code))
            return web.json_response(graph_error(failure.code), status=failure.http_status)
        problem = self._problem(body)
        if problem is not None:
            code, details = problem
            self.refused.append((body, code))
            return web.json_response(graph_error(code, details), status=400)
        return self._accept(body)

    def _problem(self, body: dict[str, Any]) -> tuple[int, str] | None:
        recipient = _recipient(body)
        if body.get("messaging_product") != "whatsapp" or not recipient:
            return 100, "messaging_product and a recipient are required"
        if "to" in body and not str(body["to"]).isdigit():
            return 100, "`to` takes a phone number; a BSUID goes in `recipient`"
        kind = body.get("type")
        if kind == "template":
            return _template_problem(body.get("template") or {}, self.templates)
        if recipient in self.closed_windows:
            return 131047, "more than 24 hours have passed since the customer last replied"
        if kind == "text":
            length = len((body.get("text") or {}).get("body") or "")
            return None if 1 <= length <= 4096 else (100, "text body of 1 to 4096 characters")
        if kind == "interactive":
            problem = _interactive_problem(body.get("interactive") or {})
            return None if problem is None else (100, problem)
        return 100, f"message type {kind} not supported by this fake"

    def _accept(self, body: dict[str, Any]) -> web.Response:
        wamid = new_wamid()
        recipient = str(_recipient(body))
        self.sent.append(body)
        self.wamids.append(wamid)
        self.sent_at.append(time.monotonic())
        self._by_recipient[recipient].append(body)
        self._arrivals[recipient].append(self.sent_at[-1])
        contact = {"input": recipient}
        contact["wa_id" if "to" in body else "user_id"] = recipient
        if self.webhook_url and self.app_secret:
            task = asyncio.create_task(self._post_statuses(wamid, recipient))
            self._callbacks.add(task)
            task.add_done_callback(self._callbacks.discard)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [contact],
                "messages": [{"id": wamid, "message_status": "accepted"}],
            }
        )

    def _read(self, body: dict[str, Any]) -> web.Response:
        wamid = body.get("message_id") or ""
        self.reads.append(wamid)
        self.read_at[wamid] = time.monotonic()
        waiter = self._read_waiters.pop(wamid, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        return web.json_response({"success": True})

    async def _media_url(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response(graph_error(190), status=401)
        media_id = request.match_info["media_id"]
        media = self._media.get(media_id)
        if media is None:
            return web.json_response(graph_error(100, "media does not exist"), status=400)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.root}/whatsapp_business/attachments/?mid={media_id}&ext=1",
                "mime_type": media.mime_type,
                "sha256": media.sha256,
                "file_size": str(len(media.content)),
                "id": media_id,
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.Response(status=401)
        media = self._media.get(request.query.get("mid", ""))
        if media is None:
            return web.Response(status=404)
        self.downloads.append(request.query["mid"])
        return web.Response(body=media.content, content_type=media.mime_type)

    async def _post_statuses(self, wamid: str, recipient: str) -> None:
        """Meta's callbacks for an accepted message, one delivery per status."""
        if self._client is None:
            self._client = aiohttp.ClientSession()
        for status in self.callback_statuses:
            body = json.dumps(status_webhook(wamid, status, recipient)).encode()
            headers = {
                "Content-Type": "application/json",
                "X-Hub-Signature-256": sign(body, str(self.app_secret)),
            }
            for _attempt in range(5):  # Meta retries a callback that was not answered 200
                try:
                    async with self._client.post(
                        str(self.webhook_url), data=body, headers=headers
                    ) as response:
                        if response.status == 200:
                            self.callbacks_posted += 1
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
