"""The Telegram channel as part of `tocsin run`: webhook or polling, and the command menu.

Starts when `TOCSIN_TELEGRAM_TOKEN` is set. With `TOCSIN_TELEGRAM_WEBHOOK_URL` it adds
`POST /telegram/webhook` and registers the webhook (with its secret); otherwise it long-polls.
Either way accepted updates go to the durable inbox, whose processor (started after this
component) hands them to the channel. Calls that need Telegram at start (setWebhook,
setMyCommands) are retried in the background, so an outage does not stop the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_sender import BotApi
from bot.channels.telegram_transport import (
    keep_trying,
    poll_updates,
    publish_commands,
    register_webhook,
    webhook_handler,
)
from escalation.notifiers.telegram import build_bot
from reports.telegram_rate import OutboundLimiter, RateLimits, shared_limiter
from tocsin.app import App
from tocsin.components import Stopper

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram/webhook"


def build_limiter(app: App, limits: RateLimits | None) -> OutboundLimiter:
    """The one Telegram limiter of this process; staff pings are given it too."""
    return shared_limiter(limits or RateLimits.from_settings(app.settings), app.redis, app.keyring)


def build_channel(app: App, limits: RateLimits | None = None) -> TelegramChannel:
    """The channel on the configured Bot API server, wired to the app's engine and inbox."""
    settings = app.settings
    assert settings.telegram_token and app.inbox is not None
    bot = build_bot(settings.telegram_token, settings.telegram_api_url)  # one per token
    return TelegramChannel(
        api=BotApi(bot, build_limiter(app, limits)),
        engine=app.conversation,
        inbox=app.inbox,
        keyring=app.keyring,
        settings=settings,
        redis=app.redis,
        staff_gateway=lambda: app.staff_gateway,
        turns=app.turns,
    )


async def start_channel(app: App, web_app: web.Application, channel: TelegramChannel) -> Stopper:
    """Register the channel with the app and start receiving updates."""
    settings = app.settings
    app.senders["telegram"] = channel
    app.telegram_bot = channel.api.bot  # staff pings leave through the same client
    app.telegram_limiter = channel.api.limiter  # and draw from the same budgets
    app.inbox_handlers["telegram"] = channel.handle_item
    app.inbox_apologies["telegram"] = channel.answer_unreadable
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(
            keep_trying(
                "setMyCommands",
                lambda: publish_commands(channel, settings.languages, settings.default_language),
                stop,
                channel.api.first_delay * 2,
            ),
            name="telegram-commands",
        )
    ]
    if settings.telegram_webhook_url:
        secret = settings.telegram_webhook_secret or ""
        web_app.router.add_post(WEBHOOK_PATH, webhook_handler(channel, secret))
        tasks.append(
            asyncio.create_task(
                keep_trying(
                    "setWebhook",
                    lambda: register_webhook(channel, settings.telegram_webhook_url or "", secret),
                    stop,
                    channel.api.first_delay * 2,
                ),
                name="telegram-webhook",
            )
        )
        log.info("telegram channel in webhook mode")
    else:
        tasks.append(asyncio.create_task(poll_updates(channel, stop), name="telegram-polling"))
        log.info("telegram channel in polling mode")

    async def stop_channel() -> None:
        stop.set()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await channel.api.bot.session.close()

    return stop_channel


async def start(app: App, web_app: web.Application) -> Stopper | None:
    if not app.settings.telegram_token or app.inbox is None:
        return None
    return await start_channel(app, web_app, build_channel(app))
