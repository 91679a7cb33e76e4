"""The escalation worker inside `tocsin run`, and the staff gateway the channels call.

Here escalation meets the channels: reporter relays (staff questions, status news) go out
through `app.senders`, and staff button presses come back through `app.staff_gateway`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from aiohttp import web

from bot.flow.followup import open_staff_question, status_notice
from bot.messages import OutboundMessage
from escalation.gateway import EscalationGateway
from escalation.loading import RulesError, load_rules
from escalation.notifiers.telegram import TelegramNotifier
from escalation.worker import build_worker
from tocsin.app import App
from tocsin.components import Stopper
from tocsin.settings import SettingsError

log = logging.getLogger(__name__)


class AppRelay:
    """Reaches reporters through whichever channels this process runs."""

    def __init__(self, app: App) -> None:
        self.app = app

    def serves(self, channel: str) -> bool:
        return channel in self.app.senders

    async def _send(self, channel: str, raw_id: str, messages: Sequence[OutboundMessage]) -> bool:
        sender = self.app.senders.get(channel)
        if sender is None:
            return False
        await sender.send(raw_id, messages)
        return True

    async def ask(
        self, channel: str, raw_id: str, reference: str, question: str, language: str
    ) -> bool:
        if not self.serves(channel):
            return False
        messages = await open_staff_question(
            self.app.conversation.services, channel, raw_id, reference, question, language
        )
        return await self._send(channel, raw_id, messages)

    async def tell_status(
        self, channel: str, raw_id: str, reference: str, status: str, language: str
    ) -> bool:
        return await self._send(channel, raw_id, status_notice(reference, status, language))


async def start(app: App, web_app: web.Application) -> Stopper | None:
    """Start the worker; escalation always runs in `tocsin run` (rules decide who hears)."""
    try:
        ruleset = load_rules(app.settings)
    except RulesError as error:
        raise SettingsError(f"TOCSIN_ESCALATION_RULES: {error}") from None
    relay = AppRelay(app)
    worker = build_worker(
        app.settings,
        app.database,
        app.keyring,
        store=app.store,
        relay=relay,
        redis=app.redis,
        clock=app.clock,
        ruleset=ruleset,
        bot=app.telegram_bot,
    )
    telegram = worker.notifiers.get("telegram")
    app.staff_gateway = EscalationGateway(
        worker,
        app.store,
        telegram if isinstance(telegram, TelegramNotifier) else None,
        relay,
        ruleset.staff_telegram_users or list(app.settings.staff_telegram_users),
    )
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))

    async def stopper() -> None:
        stop.set()
        await task
        await worker.close()

    return stopper
