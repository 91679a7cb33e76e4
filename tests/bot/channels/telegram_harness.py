"""A running Telegram bot against the fake Bot API, and people who talk to it.

`running_bot` starts what `tocsin run` starts for Telegram (the channel component, the inbox
processor, the HTTP server on loopback) on real storage; `TelegramPerson` sends updates in the
shapes Telegram sends (to the webhook, or queued for polling) and reads what the bot answered
from the fake, as a phone would show it.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import aiohttp
from aiohttp import web

from bot.channels.telegram import TelegramChannel
from nlu import Nlu
from reports.database import upgrade_schema
from reports.telegram_rate import RateLimits
from tests.fakes.telegram import BOT_USER, FakeTelegram
from tocsin.app import App, build_app
from tocsin.components import inbox as inbox_component
from tocsin.components.telegram import build_channel, start_channel
from tocsin.server import build_web_app
from tocsin.settings import Settings

SECRET = "webhook-secret-Zq8v3"
STAFF_CHAT = "-1001000000001"
REFERENCE = re.compile(r"TX-[A-Z0-9]{4}-[A-Z0-9]{4}")
_update_ids = itertools.count(500_000_001)


def bot_settings(
    base: Settings, fake: FakeTelegram, *, webhook: bool = True, **extra: Any
) -> Settings:
    """The test settings with the Telegram channel pointed at the fake."""
    values = {
        "telegram_token": fake.token,
        "telegram_api_url": fake.base_url,
        "staff_telegram_chats": [STAFF_CHAT],
        **extra,
    }
    if webhook:
        values |= {
            "telegram_webhook_url": "https://tocsin.example.org/telegram/webhook",
            "telegram_webhook_secret": SECRET,
        }
    return base.model_copy(update=values)


@dataclass
class RunningBot:
    fake: FakeTelegram
    app: App
    channel: TelegramChannel
    url: str
    webhook_mode: bool
    http: aiohttp.ClientSession = field(default_factory=aiohttp.ClientSession)

    async def post_webhook(self, update: dict[str, Any], *, secret: str | None = SECRET) -> int:
        return await self.fake.post_update(
            self.http, f"{self.url}/telegram/webhook", update, secret
        )

    async def deliver(self, update: dict[str, Any]) -> None:
        """As Telegram would: POST to the webhook, or hand it to getUpdates."""
        if self.webhook_mode:
            assert await self.post_webhook(update) == 200
        else:
            self.fake.push_update(update)
            await self.until(lambda: self._confirmed(update["update_id"]))

    def _confirmed(self, update_id: int) -> bool:
        return all(u["update_id"] != update_id for u in self.fake.pending_updates) or any(
            int(p.get("offset") or 0) > update_id for p in self.fake.calls_to("getUpdates")
        )

    async def settled(self, timeout: float = 15.0) -> None:
        """Wait until the inbox has handled everything it accepted."""
        assert self.app.inbox is not None
        deadline = time.monotonic() + timeout
        while await self.app.inbox.pending_count():
            assert time.monotonic() < deadline, "the inbox did not drain"
            await asyncio.sleep(0.02)

    @staticmethod
    async def until(condition: Any, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            await asyncio.sleep(0.02)


_migrated_template: list[Path] = []


async def copy_migrated_sqlite(database_url: str) -> bool:
    """Put a migrated SQLite file at `database_url` (migrated once per run, copied after):
    the many bots these tests start then skip the migrations. False for other databases."""
    prefix = "sqlite+aiosqlite:///"
    if not database_url.startswith(prefix):
        return False
    target = Path(database_url[len(prefix) :])
    if target.exists():
        return False
    if not _migrated_template:
        template = Path(tempfile.mkdtemp(prefix="tocsin-telegram-")) / "migrated.db"
        await upgrade_schema(prefix + str(template))  # in a thread: Alembic runs its own loop
        _migrated_template.append(template)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated_template[0], target)
    return True


@asynccontextmanager
async def running_bot(
    settings: Settings,
    nlu: Nlu,
    fake: FakeTelegram,
    *,
    limits: RateLimits | None = None,
    retry_delay: float | None = None,
) -> AsyncIterator[RunningBot]:
    """The Telegram channel, the inbox processor and the HTTP server, as `tocsin run` has them;
    `retry_delay` shortens the backoff after Telegram errors (seconds in production)."""
    migrate = not await copy_migrated_sqlite(settings.database_url)
    app = await build_app(settings, nlu=nlu, migrate=migrate)
    web_app = build_web_app(app)
    channel = build_channel(app, limits)
    if retry_delay is not None:
        channel.api.first_delay = retry_delay
        channel.api.max_delay = retry_delay * 2
    stoppers = [await start_channel(app, web_app, channel)]
    inbox_stopper = await inbox_component.start(app, web_app)
    assert inbox_stopper is not None
    stoppers.append(inbox_stopper)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    bot = RunningBot(
        fake, app, channel, f"http://127.0.0.1:{port}", bool(settings.telegram_webhook_url)
    )
    try:
        yield bot
    finally:
        await bot.http.close()
        for stop in reversed(stoppers):
            await stop()
        await runner.cleanup()
        await app.close()


class BotUnderTest(Protocol):
    """A bot a person can talk to: in this process (RunningBot) or `tocsin run` processes."""

    fake: FakeTelegram

    async def deliver(self, update: dict[str, Any]) -> None: ...

    async def settled(self, timeout: float = 15.0) -> None: ...


class TelegramPerson:
    """Someone in a private chat with the bot."""

    def __init__(
        self, bot: BotUnderTest, chat_id: int, *, language_code: str | None = "en"
    ) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.user = {"id": chat_id, "is_bot": False, "first_name": "Awa"}
        if language_code:
            self.user["language_code"] = language_code
        self.chat = {"id": chat_id, "first_name": "Awa", "type": "private"}
        self._message_ids = itertools.count(1)

    def message_update(self, **content: Any) -> dict[str, Any]:
        return {
            "update_id": next(_update_ids),
            "message": {
                "message_id": 10_000 + next(self._message_ids),
                "from": self.user,
                "chat": self.chat,
                "date": int(time.time()),
                **content,
            },
        }

    def press_update(self, message: dict[str, Any], data: str) -> dict[str, Any]:
        """The callback query Telegram sends when a button of `message` is pressed."""
        return {
            "update_id": next(_update_ids),
            "callback_query": {
                "id": f"{self.chat_id}{next(_update_ids)}",
                "from": self.user,
                "message": {**message, "from": BOT_USER, "chat": self.chat},
                "chat_instance": "-4563458727356523",
                "data": data,
            },
        }

    async def send(self, update: dict[str, Any]) -> None:
        await self.bot.deliver(update)
        await self.bot.settled()

    async def say(self, text: str) -> None:
        await self.send(self.message_update(text=text))

    async def share_location(self, lat: float, lon: float) -> None:
        await self.send(self.message_update(location={"latitude": lat, "longitude": lon}))

    async def press(self, data: str) -> None:
        """Press the button carrying `data` on the latest bot message that shows it."""
        message = self.message_with_button(data)
        assert message is not None, f"no button {data!r} on screen"
        await self.send(self.press_update(message, data))

    # -- what the phone shows -----------------------------------------------------------------

    @property
    def screen(self) -> dict[int, dict[str, Any]]:
        """The bot's messages in this chat as they now read (after edits), by message id."""
        return self.bot.fake.chats.get(str(self.chat_id), {})

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Every message Telegram took for this chat, in order, with its parameters."""
        return [
            params
            for params in self.bot.fake.calls_to("sendMessage", succeeded=True)
            if str(params.get("chat_id")) == str(self.chat_id)
        ]

    def message_with_button(self, data: str) -> dict[str, Any] | None:
        for number in sorted(self.screen, reverse=True):
            message = self.screen[number]
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                if any(button.get("callback_data") == data for button in row):
                    return message
        return None

    def last_sent(self) -> dict[str, Any]:
        return self.sent[-1]


PREFERRED = ("yes", "done", "anonymous", "send")


async def complete_report(
    person: TelegramPerson,
    language: str,
    description: str,
    *,
    after_story: list[dict[str, Any]] | None = None,
    max_turns: int = 20,
) -> str:
    """Tell a whole report: /start, the language, the story (then the `after_story` updates,
    e.g. a photo), then the first sensible button of each question (confirm, skip, stay
    anonymous, send). Returns the reference shown."""
    await person.say("/start")
    extras = list(after_story or [])
    for _turn in range(max_turns):
        last = person.last_sent()
        found = REFERENCE.search(last["text"])
        if found:
            return found.group(0)
        markup = last.get("reply_markup") or {}
        if "inline_keyboard" in markup:
            data = [b["callback_data"] for row in markup["inline_keyboard"] for b in row]
            wanted = [f"lang:{language}", *PREFERRED]
            await person.press(next((d for d in wanted if d in data), data[0]))
        elif "keyboard" in markup:
            await person.share_location(16.2717, -0.0447)
        else:
            await person.say(description)
            while extras:
                await person.send(extras.pop(0))
    raise AssertionError("the report was not completed")
