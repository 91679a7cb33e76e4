"""The escalation worker inside `tocsin run`, and the staff gateway the channels call.

Here escalation meets the channels: reporter relays (staff questions, status news) go out
through `app.senders`, and staff button presses come back through `app.staff_gateway`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from aiohttp import web

from bot.flow.followup import open_staff_question, post_to_mailbox, status_notice
from bot.messages import OutboundMessage
from escalation.gateway import EscalationGateway
from escalation.loading import RulesError, load_rules
from escalation.notifiers.telegram import TelegramNotifier
from escalation.worker import EscalationWorker, build_worker
from tocsin.app import App
from tocsin.components import Stopper
from tocsin.settings import SettingsError

log = logging.getLogger(__name__)


# channels that run in another process (`tocsin shell`): reached through the session store
MAILBOX_CHANNELS = frozenset({"console"})


class AppRelay:
    """Reaches reporters through whichever channels this process runs, and console users
    through their session (their `tocsin shell` shows what waits there)."""

    def __init__(self, app: App) -> None:
        self.app = app

    def serves(self, channel: str) -> bool:
        return channel in self.app.senders or channel in MAILBOX_CHANNELS

    async def _send(self, channel: str, raw_id: str, messages: Sequence[OutboundMessage]) -> bool:
        sender = self.app.senders.get(channel)
        if sender is None and channel in MAILBOX_CHANNELS:
            await post_to_mailbox(self.app.conversation.services, channel, raw_id, list(messages))
            return True
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
            self.app.conversation, channel, raw_id, reference, question, language
        )
        return await self._send(channel, raw_id, messages)

    async def tell_status(
        self, channel: str, raw_id: str, reference: str, status: str, language: str
    ) -> bool:
        return await self._send(channel, raw_id, status_notice(reference, status, language))


def build_gateway(app: App) -> tuple[EscalationWorker, EscalationGateway]:
    """The worker and the staff gateway that Telegram buttons and the staff desk share."""
    try:
        ruleset = load_rules(app.settings)
    except RulesError as error:
        raise SettingsError(f"TOCSIN_ESCALATION_RULES: {error}") from None
    from escalation.reach import unreachable_rules

    for problem in unreachable_rules(app.settings, ruleset):  # said once, at start
        log.warning("%s; reports it matches go to no staff", problem)
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
        limiter=app.telegram_limiter,
    )
    telegram = worker.notifiers.get("telegram")
    gateway = EscalationGateway(
        worker,
        app.store,
        telegram if isinstance(telegram, TelegramNotifier) else None,
        relay,
        ruleset.staff_telegram_users or list(app.settings.staff_telegram_users),
    )
    return worker, gateway


async def start(app: App, web_app: web.Application) -> Stopper | None:
    """Start the worker; escalation always runs in `tocsin run` (rules decide who hears)."""
    worker, app.staff_gateway = build_gateway(app)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))

    async def stopper() -> None:
        stop.set()
        await task
        await worker.close()

    return stopper
