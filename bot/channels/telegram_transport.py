"""How updates reach the Telegram channel: a webhook in production, long polling otherwise.

Either way an update is acknowledged only once the inbox holds it: the webhook answers 200 after
the commit (a failure answers 500 and Telegram redelivers), and the poller moves its offset past
an update, which tells Telegram to forget it, only after the commit. So nothing a person sent is
lost to a crash, a database hiccup or a Telegram outage. Also the bot's command menu, per
language, and the webhook registration.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiogram.methods import DeleteWebhook, SetMyCommands, SetWebhook
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats
from aiohttp import ClientError, ClientTimeout, web

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_sender import DeliveryError
from bot.channels.telegram_updates import ALLOWED_UPDATES
from bot.channels.webhook_body import (
    BodyRefused,
    UnreadableBody,
    clean_json,
    dumps,
    read_body,
    read_json,
)
from locales.i18n import N_, Translator

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
POLL_TIMEOUT_SECONDS = 25
MAX_POLL_BACKOFF = 30.0
MAX_UPDATE_BYTES = 1024 * 1024  # updates are small JSON; files are fetched separately

COMMAND_MENU = (
    ("start", N_("Start a new report")),
    ("help", N_("What I can do")),
    ("status", N_("See what happened to a report")),
    ("add", N_("Add details or files to a report")),
    ("language", N_("Change the language")),
    ("delete", N_("Erase your reports and data")),
    ("cancel", N_("Stop the report in progress")),
)


def command_menu(language: str) -> list[BotCommand]:
    _ = Translator(language)
    return [BotCommand(command=name, description=_(text)) for name, text in COMMAND_MENU]


async def publish_commands(
    channel: TelegramChannel, languages: Sequence[str], default_language: str
) -> None:
    """The "/" menu of private chats, in each language, and the default one without a code."""
    scope = BotCommandScopeAllPrivateChats()
    for language in [*languages, None]:
        await channel.api.call(
            SetMyCommands(
                commands=command_menu(language or default_language),
                scope=scope,
                language_code=language,
            )
        )


async def register_webhook(channel: TelegramChannel, url: str, secret: str) -> None:
    await channel.api.call(
        SetWebhook(
            url=url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )
    )


async def keep_trying(
    what: str, attempt: Callable[[], Awaitable[None]], stop: asyncio.Event, first_delay: float = 1.0
) -> None:
    """Run a start-up call until it succeeds: Telegram may be down when we start."""
    delay = first_delay
    while not stop.is_set():
        try:
            await attempt()
            return
        except Exception as error:
            log.warning("telegram %s failed (%s); retrying", what, type(error).__name__)
        try:
            await asyncio.wait_for(stop.wait(), delay)
        except TimeoutError:
            delay = min(delay * 2, MAX_POLL_BACKOFF)


def webhook_handler(
    channel: TelegramChannel, secret: str
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """`POST /telegram/webhook`: 401 without the secret header, 403 with a wrong one (both
    before the body is read), 413 for a body over the limit, 408 for one too slow to arrive,
    200 once the update is committed (or ignored, or unreadable: Telegram would redeliver a
    poison), 500 when it could not be stored (Telegram redelivers). A person's button press
    gets its answerCallbackQuery in the 200's body."""
    expected = secret.encode()

    async def handle(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.Response(status=401)
        if not hmac.compare_digest(given.encode(), expected):
            return web.Response(status=403)
        try:
            raw = await read_body(request, MAX_UPDATE_BYTES)
        except BodyRefused as refused:
            log.warning("telegram update refused: %s", refused.reason)
            return web.Response(status=refused.status)
        try:
            update, repaired = read_json(raw)
        except UnreadableBody as error:  # 200: Telegram would redeliver a poison for a day
            log.warning("telegram update unreadable, nothing stored: %s", error)
            return web.Response(status=200)
        if repaired:
            raw = dumps(update)
        route = channel.route(update)  # once: for the inbox and for the answer
        try:
            await channel.accept(raw, update, route)
        except Exception:
            log.exception("telegram update not accepted")
            return web.Response(status=500)
        answer = channel.webhook_answer(update, route)
        return web.json_response(answer) if answer else web.Response(status=200)

    return handle


async def _accept_polled(channel: TelegramChannel, update: Any) -> None:
    """One polled update into the inbox, its strings repaired; one nested too deep to read is
    passed over (with a log line) rather than stopping the poller on it forever."""
    try:
        update, _repaired = clean_json(update)
    except UnreadableBody as error:
        log.warning("telegram update unreadable, nothing stored: %s", error)
        return
    await channel.accept(dumps(update), update)


async def poll_updates(channel: TelegramChannel, stop: asyncio.Event) -> None:
    """Long-poll getUpdates; an update is confirmed to Telegram only after the inbox has it."""

    async def leave_webhook_mode() -> None:
        await channel.api.call(DeleteWebhook(drop_pending_updates=False))

    first_delay = channel.api.first_delay * 2
    await keep_trying("deleteWebhook", leave_webhook_mode, stop, first_delay)
    offset: int | None = None
    delay = first_delay
    while not stop.is_set():
        payload: dict[str, object] = {
            "timeout": POLL_TIMEOUT_SECONDS,
            "allowed_updates": ALLOWED_UPDATES,
        }
        if offset is not None:
            payload["offset"] = offset
        try:
            status, body = await channel.api.post_raw(
                "getUpdates", payload, ClientTimeout(total=POLL_TIMEOUT_SECONDS + 10)
            )
            answer = json.loads(body)
            if status != 200 or not answer.get("ok"):
                retry_after = (answer.get("parameters") or {}).get("retry_after")
                raise DeliveryError(f"getUpdates {status}", retry_after)
            for update in answer["result"]:
                await _accept_polled(channel, update)
                update_id = update.get("update_id") if isinstance(update, dict) else None
                if type(update_id) is int:
                    offset = update_id + 1
            delay = first_delay
        except asyncio.CancelledError:
            raise
        except (ClientError, TimeoutError, ValueError, DeliveryError, OSError) as error:
            wait = delay
            if isinstance(error, DeliveryError) and len(error.args) > 1 and error.args[1]:
                wait = float(error.args[1])
            log.warning("telegram polling failed (%s); retrying in %.0fs", error, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
            delay = min(delay * 2, MAX_POLL_BACKOFF)
        except Exception:
            log.exception("telegram update not accepted; retrying")
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_POLL_BACKOFF)
