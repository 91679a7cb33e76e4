"""`tocsin run` wiring: one aiogram client and one rate limiter per Telegram token, shared by
the conversation's replies and the staff pings."""

from __future__ import annotations

from aiohttp import web

from escalation.notifiers.telegram import TelegramNotifier
from nlu import Nlu
from tocsin.app import build_app
from tocsin.components.escalation import build_gateway
from tocsin.components.telegram import build_channel, start_channel
from tocsin.settings import Settings


async def test_staff_pings_leave_through_the_conversations_client_and_budget(
    settings: Settings, shared_nlu: Nlu
) -> None:
    settings = settings.model_copy(
        update={
            "telegram_token": "123456:wiring-test-token",
            "telegram_api_url": "http://127.0.0.1:9",  # never answers: nothing is sent here
            "telegram_webhook_url": "https://tocsin.example.org/telegram/webhook",
            "telegram_webhook_secret": "wiring-test-secret",
            "staff_telegram_chats": ["-1001"],
            "telegram_per_second": 12.0,
        }
    )
    app = await build_app(settings, nlu=shared_nlu)
    channel = build_channel(app)
    stop = await start_channel(app, web.Application(), channel)
    try:
        worker, _gateway = build_gateway(app)
        pings = worker.notifiers["telegram"]
        assert isinstance(pings, TelegramNotifier)
        assert pings.bot is channel.api.bot
        assert pings.limiter is channel.api.limiter
        assert channel.api.limiter.limits.bot_per_second == 12.0  # the one rate setting
    finally:
        await stop()
        await app.close()
