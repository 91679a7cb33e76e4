"""A small fake of the Telegram Bot API for staff chats, speaking HTTP on loopback.

It answers the methods escalation uses (sendMessage, editMessageText, getChatMember) in the
real shapes, keeps every message per chat, and can answer 429 with `retry_after`, fail with
5xx, or hold requests at a gate (a request whose client has gone by the time the gate opens
is dropped, as a message that never reached Telegram).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.loopback import serve_on_loopback


@dataclass
class SentMessage:
    chat_id: str
    message_id: int
    text: str
    reply_markup: dict[str, Any] | None
    edits: list[str] = field(default_factory=list)
    received_at: float = field(default_factory=time.perf_counter)

    @property
    def buttons(self) -> list[str]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button["callback_data"] for row in rows for button in row]


class FakeStaffBotApi:
    def __init__(self) -> None:
        self.messages: list[SentMessage] = []
        self.calls: list[str] = []
        self.too_many: int = 0  # the next N sendMessage calls answer 429
        self.retry_after: int = 1
        self.server_errors: int = 0  # the next N calls answer 502
        self.gate: asyncio.Event | None = None  # when set, sendMessage waits for it
        self.members: dict[str, dict[str, Any]] = {}
        self.waiting = 0  # requests held at the gate now
        self._next_id = 100
        self._runner: web.AppRunner | None = None
        self.url = ""

    def chat(self, chat_id: str) -> list[SentMessage]:
        return [message for message in self.messages if message.chat_id == str(chat_id)]

    async def start(self) -> FakeStaffBotApi:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        self._runner, port = await serve_on_loopback(app)
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls.append(method)
        params = dict(await request.post())
        if self.server_errors > 0:
            self.server_errors -= 1
            return web.json_response(
                {"ok": False, "error_code": 502, "description": "Bad Gateway"}, status=502
            )
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return await handler(request, params)

    def _message(self, chat_id: str, message_id: int, text: str) -> dict[str, Any]:
        chat_type = "supergroup" if chat_id.startswith("-") else "private"
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": chat_type, "title": "staff"},
            "text": text,
        }

    async def _sendMessage(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        if self.too_many > 0:
            self.too_many -= 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {self.retry_after}",
                    "parameters": {"retry_after": self.retry_after},
                },
                status=429,
            )
        if self.gate is not None:
            self.waiting += 1
            await self.gate.wait()
            self.waiting -= 1
            if request.transport is None or request.transport.is_closing():
                return web.Response(status=499)
        chat_id = str(params["chat_id"])
        if chat_id == "-404":
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
                status=400,
            )
        self._next_id += 1
        markup = json.loads(params["reply_markup"]) if params.get("reply_markup") else None
        message = SentMessage(chat_id, self._next_id, str(params["text"]), markup)
        self.messages.append(message)
        return self._ok(self._message(chat_id, message.message_id, message.text))

    async def _editMessageText(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        chat_id, message_id = str(params["chat_id"]), int(params["message_id"])
        for message in self.messages:
            if message.chat_id == chat_id and message.message_id == message_id:
                if params["text"] == message.text:
                    return web.json_response(
                        {
                            "ok": False,
                            "error_code": 400,
                            "description": "Bad Request: message is not modified",
                        },
                        status=400,
                    )
                message.edits.append(message.text)
                message.text = str(params["text"])
                message.reply_markup = (
                    json.loads(params["reply_markup"]) if params.get("reply_markup") else None
                )
                return self._ok(self._message(chat_id, message_id, message.text))
        return web.json_response(
            {"ok": False, "error_code": 400, "description": "Bad Request: message not found"},
            status=400,
        )

    async def _getChatMember(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        user_id = str(params["user_id"])
        user = self.members.get(user_id, {"first_name": f"User{user_id}"})
        return self._ok({"status": "member", "user": {"id": int(user_id), "is_bot": False, **user}})
