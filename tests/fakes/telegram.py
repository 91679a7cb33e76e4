"""A fake Telegram Bot API server: aiohttp on loopback, speaking the real HTTP shape.

Requests are `POST /bot<token>/<method>` with a JSON, url-encoded or multipart body (aiogram
sends url-encoded forms whose complex fields are JSON strings); answers are the Bot API's
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": ..., "description": ...,
"parameters": {"retry_after": ...}}`. Files are served at `/file/bot<token>/<path>`.

Tests record every call, inject 429 and 5xx answers, take the whole API down and up again,
push updates that `getUpdates` long-polls for, and wait for the bot's answers. Nothing here
knows Tocsin: the staff-chat tests of escalation reuse it as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.loopback import serve_on_loopback

BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "Tocsin", "username": "tocsin_bot"}
JSON_FIELDS = ("reply_markup", "allowed_updates", "commands", "scope", "message_ids", "entities")


@dataclass(frozen=True)
class Call:
    """One request the bot made: the method, its parameters (decoded) and when."""

    method: str
    params: dict[str, Any]
    at: float
    status: int = 200  # what the fake answered: 200, or the injected error
    in_webhook_answer: bool = False  # carried in the bot's answer to a webhook POST


@dataclass
class Failure:
    """An answer injected in place of the real one, `times` times."""

    status: int
    times: int
    retry_after: int | None = None
    description: str | None = None


@dataclass
class StoredFile:
    content: bytes
    path: str
    unique_id: str


@dataclass
class FakeTelegram:
    """The fake server; `async with FakeTelegram() as fake:` starts it on an ephemeral port."""

    token: str = "123456:TEST-token"
    calls: list[Call] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    commands: dict[str | None, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    # every sent or edited message, by chat id then message id (what the person would see)
    chats: dict[str, dict[int, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    deleted: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # callbacks told of each call as it happens (benchmarks measure reply latency with them)
    listeners: list[Callable[[Call], None]] = field(default_factory=list)
    record_calls: bool = True

    def __post_init__(self) -> None:
        self._failures: dict[str, deque[Failure]] = defaultdict(deque)
        self._down: Failure | None = None
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(100_000_001)
        self._message_ids: dict[str, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1001)
        )
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.base_url = ""

    # -- life cycle -------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._method)
        app.router.add_get("/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner, port = await serve_on_loopback(app)
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def close(self) -> None:
        self._closing = True
        await self._notify()  # long polls return at once instead of holding the shutdown
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- what tests arrange -----------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """The next `times` calls of `method` get this error (429 carries `retry_after`)."""
        self._failures[method].append(Failure(status, times, retry_after, description))

    def go_down(self, status: int = 502) -> None:
        """Every method answers `status` until `come_back()`, as during a Telegram outage."""
        self._down = Failure(status, 0)

    def come_back(self) -> None:
        self._down = None

    def add_file(self, file_id: str, content: bytes, path: str | None = None) -> None:
        """A file the bot can fetch with getFile and download."""
        unique = f"AQAD{len(self.files):04d}"
        self.files[file_id] = StoredFile(
            content, path or f"documents/file_{len(self.files)}", unique
        )

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; an `update_id` is given when it has none."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self._updates)

    # -- what tests read --------------------------------------------------------------------

    def calls_to(self, method: str, *, succeeded: bool = False) -> list[dict[str, Any]]:
        """The params of every call of `method` (only those answered 200 if `succeeded`)."""
        return [
            call.params
            for call in self.calls
            if call.method == method and (call.status == 200 or not succeeded)
        ]

    def texts_to(self, chat_id: int | str) -> list[str]:
        """The texts of the messages the bot sent to a chat (and Telegram took), in order."""
        return [
            params["text"]
            for params in self.calls_to("sendMessage", succeeded=True)
            if str(params.get("chat_id")) == str(chat_id)
        ]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = 10.0,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """Wait until `method` was called `count` times (matching `where`); their params."""

        def matching() -> list[dict[str, Any]]:
            found = self.calls_to(method)
            return [params for params in found if where(params)] if where else found

        async with asyncio.timeout(timeout):
            async with self._changed:
                await self._changed.wait_for(lambda: len(matching()) >= count)
        return matching()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- the HTTP side ----------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.read()
            return json.loads(body) if body else {}
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                params[key] = value if isinstance(value, str) else value.file.read()
        for key in JSON_FIELDS:
            if isinstance(params.get(key), str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        return params

    def _error(self, failure: Failure) -> web.Response:
        descriptions = {
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden: bot was blocked by the user",
            404: "Not Found",
            409: "Conflict: terminated by other getUpdates request",
            429: f"Too Many Requests: retry after {failure.retry_after or 1}",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
        }
        body: dict[str, Any] = {
            "ok": False,
            "error_code": failure.status,
            "description": failure.description or descriptions.get(failure.status, "Error"),
        }
        if failure.status == 429:
            body["parameters"] = {"retry_after": failure.retry_after or 1}
        return web.json_response(body, status=failure.status)

    def _injected(self, method: str) -> Failure | None:
        if self._down is not None:
            return self._down
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.popleft()
        return failure

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(Failure(401, 0))
        method = request.match_info["method"]
        params = await self._params(request)
        failure, result = await self.execute(method, params)
        if failure is not None:
            return self._error(failure)
        return web.json_response({"ok": True, "result": result})

    async def execute(
        self, method: str, params: dict[str, Any], *, in_webhook_answer: bool = False
    ) -> tuple[Failure | None, Any]:
        """Carry out one Bot API method, recorded as a call: (the failure or None, result)."""
        failure = self._injected(method)
        result: Any = None
        if failure is None:
            if method == "getUpdates":
                result = await self._get_updates(params)
            else:
                handler = getattr(self, f"_api_{method}", None)
                result = handler(params) if handler else True
            if isinstance(result, Failure):
                failure = result
        status = failure.status if failure else 200
        call = Call(method, params, time.monotonic(), status, in_webhook_answer)
        if self.record_calls:
            self.calls.append(call)
        for listener in self.listeners:
            listener(call)
        await self._notify()
        return failure, result

    async def post_update(
        self, http: aiohttp.ClientSession, url: str, update: dict[str, Any], secret: str | None
    ) -> int:
        """POST an update to a webhook as Telegram does, and carry out the method the bot may
        put in its answer (Telegram runs it without telling the bot how it went)."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with http.post(url, json=update, headers=headers) as response:
            body = await response.read()
            status = response.status
            is_json = response.content_type == "application/json"
        if status == 200 and is_json and body:
            answer = json.loads(body)
            if isinstance(answer, dict) and isinstance(answer.get("method"), str):
                method = answer.pop("method")
                for key in JSON_FIELDS:
                    if isinstance(answer.get(key), str):
                        with contextlib.suppress(ValueError):
                            answer[key] = json.loads(answer[key])
                await self.execute(method, answer, in_webhook_answer=True)
        return status

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        if self.record_calls:
            self.calls.append(Call("download", {"file_path": path}, time.monotonic()))
        for stored in self.files.values():
            if stored.path == path:
                return web.Response(body=stored.content, content_type="application/octet-stream")
        return web.Response(status=404)

    # -- methods ----------------------------------------------------------------------------

    def _message(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        chat_id = str(params["chat_id"])
        chat_type = "private" if not chat_id.startswith("-") else "supergroup"
        message: dict[str, Any] = {
            "message_id": message_id or next(self._message_ids[chat_id]),
            "from": BOT_USER,
            "chat": {"id": int(chat_id), "type": chat_type},
            "date": int(time.time()),
            "text": params.get("text", ""),
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.chats[chat_id][message["message_id"]] = message
        return message

    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**BOT_USER, "can_join_groups": True, "supports_inline_queries": False}

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any] | Failure:
        if not params.get("text") or len(str(params["text"]).encode("utf-16-le")) > 2 * 4096:
            return Failure(400, 0, description="Bad Request: message text is empty or too long")
        return self._message(params)

    def _edit(self, params: dict[str, Any], *, text: bool) -> dict[str, Any] | Failure:
        chat_id, message_id = str(params.get("chat_id")), int(params.get("message_id", 0))
        existing = self.chats.get(chat_id, {}).get(message_id)
        if existing is None:
            return Failure(400, 0, description="Bad Request: message to edit not found")
        edited = dict(existing)
        if text:
            edited["text"] = params.get("text", "")
        edited.pop("reply_markup", None)
        if isinstance(params.get("reply_markup"), dict):
            edited["reply_markup"] = params["reply_markup"]
        self.chats[chat_id][message_id] = edited
        return edited

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any] | Failure:
        return self._edit(params, text=True)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any] | Failure:
        return self._edit(params, text=False)

    def _api_deleteMessage(self, params: dict[str, Any]) -> bool | Failure:
        chat_id, message_id = str(params.get("chat_id")), int(params.get("message_id", 0))
        self.deleted[chat_id].add(message_id)
        return True

    def _api_deleteMessages(self, params: dict[str, Any]) -> bool:
        chat_id = str(params.get("chat_id"))
        self.deleted[chat_id].update(int(number) for number in params.get("message_ids", []))
        return True

    def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any] | Failure:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            return Failure(400, 0, description="Bad Request: invalid file_id")
        return {
            "file_id": params["file_id"],
            "file_unique_id": stored.unique_id,
            "file_size": len(stored.content),
            "file_path": stored.path,
        }

    def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = dict(params)
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands[params.get("language_code")] = list(params.get("commands", []))
        return True

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]] | Failure:
        if self.webhook.get("url"):
            return Failure(
                409, 0, description="Conflict: can't use getUpdates method while webhook is active"
            )
        offset = int(params.get("offset") or 0)
        if offset:  # an offset confirms every earlier update: Telegram forgets them
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while not self._updates and not self._closing and time.monotonic() < deadline:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait(), max(0.0, deadline - time.monotonic())
                    )
        return self._updates[:limit]
