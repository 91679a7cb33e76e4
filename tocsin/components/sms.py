"""The SMS channel as a part of `tocsin run` (enabled by TOCSIN_SMS_PROVIDER).

Adds the provider's `/sms/<provider>/...` routes, registers the channel's inbox handler and
its sender for staff follow-ups and status notices.
"""

from __future__ import annotations

from aiohttp import web

from bot.channels.sms import SmsChannel
from bot.channels.sms_client import Credentials, build_client
from bot.channels.sms_payloads import CHANNEL
from bot.channels.sms_store import SmsStore
from bot.channels.sms_webhook import SmsWebhook
from reports.pacing import RedisPacer
from tocsin.app import App
from tocsin.components import Stopper


async def start(app: App, web_app: web.Application) -> Stopper | None:
    settings = app.settings
    provider = settings.sms_provider
    if provider is None or app.inbox is None:
        return None
    public_url = (settings.public_url or "").rstrip("/")
    credentials = Credentials(
        username=settings.sms_username or "",
        api_key=settings.sms_api_key or "",
        account_sid=settings.sms_account_sid or "",
        auth_token=settings.sms_auth_token or "",
        sender=settings.sms_sender or "",
        status_callback=f"{public_url}/sms/twilio/status" if public_url else None,
    )
    client = build_client(
        provider,
        settings.sms_api_url,
        credentials,
        messages_per_second=settings.sms_messages_per_second,
        pacer=RedisPacer(app.redis) if app.redis is not None else None,
    )
    store = SmsStore(app.database, app.keyring, app.clock.now)
    channel = SmsChannel(
        app.conversation,
        client,
        store,
        app.keyring,
        turns=app.turns,
        default_language=settings.default_language,
        max_segments=settings.sms_max_segments,
        daily_cap=settings.sms_daily_cap,
    )
    SmsWebhook(
        provider=provider,
        inbox=app.inbox,
        store=store,
        keyring=app.keyring,
        on_report=channel.handle_report,
        public_url=public_url,
        auth_token=settings.sms_auth_token or "",
        secret=settings.sms_webhook_secret or "",
        clock=app.clock.now,
    ).add_routes(web_app)
    app.inbox_handlers[CHANNEL] = channel.handle_item
    app.inbox_apologies[CHANNEL] = channel.answer_unreadable
    app.senders[CHANNEL] = channel

    async def stop() -> None:
        await client.close()

    return stop
