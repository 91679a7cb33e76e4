"""The WhatsApp channel as a part of `tocsin run` (enabled by TOCSIN_WHATSAPP_TOKEN).

Adds `GET|POST /whatsapp/webhook`, registers the channel's inbox handler and its sender for
staff follow-ups, and runs the outbound claim loop that sends again what Meta could not take
at once or reported undelivered.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from bot.channels.whatsapp import MAX_SEND_ATTEMPTS, FollowupTemplate, WhatsAppChannel
from bot.channels.whatsapp_client import WhatsAppClient
from bot.channels.whatsapp_payloads import CHANNEL
from bot.channels.whatsapp_store import WhatsAppLedger
from bot.channels.whatsapp_webhook import WhatsAppWebhook
from reports.outbound import OutboundLog
from reports.outbound_worker import OutboundWorker
from reports.pacing import RedisPacer
from tocsin.app import App
from tocsin.components import Stopper


async def start(app: App, web_app: web.Application) -> Stopper | None:
    settings = app.settings
    if not (settings.whatsapp_token and settings.whatsapp_phone_number_id) or app.inbox is None:
        return None
    client = WhatsAppClient(
        settings.whatsapp_graph_url,
        settings.whatsapp_token,
        settings.whatsapp_phone_number_id,
        messages_per_second=settings.whatsapp_messages_per_second,
        pacer=RedisPacer(app.redis) if app.redis is not None else None,
    )
    ledger = WhatsAppLedger(app.database)
    outbound = app.turns.outbound if app.turns else OutboundLog(app.database, app.keyring)
    channel = WhatsAppChannel(
        app.conversation,
        client,
        ledger,
        app.keyring,
        max_media_bytes=settings.max_media_bytes,
        followup=FollowupTemplate.from_settings(
            settings.whatsapp_followup_template, settings.whatsapp_followup_languages
        ),
        turns=app.turns,
        outbound=outbound,
        languages=(settings.default_language, *settings.languages),
    )
    WhatsAppWebhook(
        app_secret=settings.whatsapp_app_secret or "",
        verify_token=settings.whatsapp_verify_token or "",
        phone_number_id=settings.whatsapp_phone_number_id,
        inbox=app.inbox,
        ledger=ledger,
        keyring=app.keyring,
    ).add_routes(web_app)
    app.inbox_handlers[CHANNEL] = channel.handle_item
    app.inbox_apologies[CHANNEL] = channel.answer_unreadable
    app.senders[CHANNEL] = channel
    stopping = asyncio.Event()
    worker = OutboundWorker(
        outbound,
        {CHANNEL: channel},
        channel.policy,
        max_attempts=MAX_SEND_ATTEMPTS,
        housekeeping=(ledger.prune, outbound.forget_unreported),
    )
    channel.scheduled = worker.wake
    retries = asyncio.create_task(worker.run(stopping), name="whatsapp-retries")

    async def stop() -> None:
        stopping.set()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(retries, timeout=10)
        await ledger.close()
        await client.close()

    return stop
