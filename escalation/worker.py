"""The escalation worker: consume the outbox, fire timers, deliver; small enough to read whole.

Two loops share one process: one turns outbox events into alerts and deliveries (and fires
re-escalation timers and the digest), the other sends due deliveries. Both sleep until woken
(a commit in this process, a Redis message from another) or the poll interval passes. Any
number of workers can run against one PostgreSQL: rows are claimed with SKIP LOCKED.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.clock import Clock, SystemClock
from escalation.dispatch import Dispatcher

# also registers escalation's erasers
from escalation.erasure import leave_erased_memberships, leave_if_erased
from escalation.loading import load_rules
from escalation.notifiers import Notifier
from escalation.notifiers.email import EmailNotifier, SmtpServer
from escalation.notifiers.telegram import TelegramNotifier, build_bot
from escalation.notifiers.webhook import WebhookNotifier
from escalation.relay import ReporterNotifier, ReporterRelay
from escalation.routing import EventProcessor, Policy
from escalation.rules import RuleSet
from escalation.timers import digest_day, escalate_due, queue_digest
from escalation.units import load_units
from escalation.wakeup import Waker
from reports.crypto import Keyring
from reports.database import session_factory
from reports.storage import ReportStore
from reports.telegram_rate import OutboundLimiter, RateLimits, shared_limiter

log = logging.getLogger(__name__)


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class EscalationWorker:
    def __init__(
        self,
        engine: AsyncEngine,
        policy: Policy,
        notifiers: Mapping[str, Notifier],
        *,
        clock: Clock | None = None,
        waker: Waker | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.sessions = session_factory(engine)
        self.policy = policy
        self.clock = clock or SystemClock()
        self.waker = waker or Waker()
        self.worker_id = worker_id or new_worker_id()
        self.processor = EventProcessor(
            self.sessions, policy, self.clock, after_routing=self._leave_if_erased
        )
        self._timers_idle_since: datetime | None = None  # last look that found no due timer
        # erased reports may still be members: a worker before this one stopped between a
        # routing commit and its check, or a check failed (escalation.erasure)
        self._erased_members_unchecked = True
        self._digest_queued: str | None = None  # the day whose digest this worker queued
        self.dispatcher = Dispatcher(
            self.sessions, policy.ruleset, policy.keyring, notifiers, self.clock, self.worker_id
        )

    @property
    def ruleset(self) -> RuleSet:
        return self.policy.ruleset

    @property
    def notifiers(self) -> dict[str, Notifier]:
        return self.dispatcher.notifiers

    async def route_once(self) -> int:
        """Process due events, fire due timers and the digest; how much work was found."""
        if self._erased_members_unchecked:
            await self._leave_erased_memberships()
        done = await self.processor.process_batch()
        done += await self._fire_timers()
        done += await self._queue_digest()
        return done

    async def _leave_if_erased(self, report_ids: list[int], now: datetime) -> None:
        """Once routing committed: a report erased while it was being routed leaves its
        incident again (one short transaction; see `escalation.erasure.leave_if_erased`)."""
        try:
            async with self.sessions() as session, session.begin():
                erased = await leave_if_erased(session, report_ids, now)
        except Exception as error:
            # the batch is committed and stays so; the next round looks at every member
            self._erased_members_unchecked = True
            log.warning("erasure check after routing failed error=%s", type(error).__name__)
            return
        if erased:
            log.info("erased while routed, left their incidents again reports=%s", erased)

    async def _leave_erased_memberships(self) -> None:
        async with self.sessions() as session, session.begin():
            erased = await leave_erased_memberships(session, self.clock.now())
        self._erased_members_unchecked = False
        if erased:
            log.warning(
                "erased reports were still members, left their incidents reports=%s", erased
            )

    async def _fire_timers(self) -> int:
        """Escalate due alerts; after a look that found none, look again only once a poll
        interval has passed. Timers are found by polling anyway (no wake-up announces them),
        so they still fire within one interval, while a busy outbox, which wakes this loop
        for every report, no longer pays a transaction per wake-up for them."""
        now = self.clock.now()
        idle_since = self._timers_idle_since
        if idle_since is not None and now - idle_since < self.ruleset.delivery.poll_interval:
            return 0
        queued = await escalate_due(self.sessions, self.ruleset, self.clock)
        self._timers_idle_since = now if not queued else None
        return queued

    async def _queue_digest(self) -> int:
        """Queue today's digest once: after that the day's rows exist and every further
        attempt would only meet their `dedupe_key`."""
        digest = self.ruleset.digest
        day = digest_day(self.clock.now(), digest.at_hour_utc) if digest.enabled else None
        if day is None or day == self._digest_queued:
            return 0
        queued = await queue_digest(self.sessions, self.ruleset, self.clock)
        self._digest_queued = day
        return queued

    async def deliver_once(self) -> int:
        return await self.dispatcher.deliver_batch()

    async def drain(self, rounds: int = 50) -> None:
        """Work until nothing is due (tests and one-off runs)."""
        for _ in range(rounds):
            if not (await self.route_once() + await self.deliver_once()):
                return

    async def _loop(self, step: Any, stop: asyncio.Event) -> None:
        wake = self.waker.subscribe()
        interval = self.ruleset.delivery.poll_interval.total_seconds()
        while not stop.is_set():
            wake.clear()
            try:
                busy = await step()
            except Exception:
                log.exception("escalation loop failed; retrying after the poll interval")
                busy = 0
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=interval)

    async def _delivery_loop(self, stop: asyncio.Event, batches: int = 4) -> None:
        """Claim and send without waiting for the previous batch to finish (up to `batches`
        at once), so a ping queued while a slow batch is in flight goes out at once."""
        wake = self.waker.subscribe()
        interval = self.ruleset.delivery.poll_interval.total_seconds()
        inflight: set[asyncio.Task[None]] = set()
        while not stop.is_set():
            wake.clear()
            rows = []
            if len(inflight) < batches:
                try:
                    rows = await self.dispatcher.claim_batch()
                except Exception:
                    log.exception("claiming deliveries failed; retrying after the poll interval")
            if rows:
                task = asyncio.create_task(self.dispatcher.send_batch(rows))
                inflight.add(task)
                task.add_done_callback(inflight.discard)
                continue
            waiters = [asyncio.create_task(wake.wait()), *inflight]
            await asyncio.wait(waiters, timeout=interval, return_when=asyncio.FIRST_COMPLETED)
            waiters[0].cancel()
        if inflight:
            await asyncio.gather(*inflight, return_exceptions=True)

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set."""
        self.waker.hook_commits()
        listener = asyncio.create_task(self.waker.listen())
        log.info("escalation worker %s started kinds=%s", self.worker_id, sorted(self.notifiers))
        try:
            stopper = asyncio.create_task(stop.wait())
            loops = [
                asyncio.create_task(self._loop(self.route_once, stop)),
                asyncio.create_task(self._delivery_loop(stop)),
            ]
            await stopper
            self.waker.wake_local()
            await asyncio.gather(*loops)
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            self.waker.unhook()

    async def close(self) -> None:
        await self.dispatcher.close()


def build_notifiers(
    settings: Any,
    ruleset: RuleSet,
    store: ReportStore | None,
    relay: ReporterRelay | None,
    redis: Any = None,
    bot: Any = None,
    limiter: OutboundLimiter | None = None,
    keyring: Keyring | None = None,
) -> dict[str, Notifier]:
    """A notifier for every kind of target the rules name and the settings make possible;
    `bot`: the process's aiogram client of the token, when a channel already has one (one
    client per token: pings leave and presses come back through the same); `limiter`: the
    process's Telegram limiter, when the channel already made it (one budget per bot)."""
    notifiers: dict[str, Notifier] = {}
    if ruleset.telegram_chats():
        if settings.telegram_token:
            bot = bot or build_bot(settings.telegram_token, settings.telegram_api_url)
            # with Redis every process that sends with the token shares one budget
            limiter = limiter or shared_limiter(RateLimits.from_settings(settings), redis, keyring)
            notifiers["telegram"] = TelegramNotifier(bot, limiter)
        else:
            log.warning("rules name Telegram chats but TOCSIN_TELEGRAM_TOKEN is not set")
    if any(target.email for target in ruleset.targets.values()):
        if ruleset.smtp.url:
            server = SmtpServer.from_url(ruleset.smtp.url)
            notifiers["email"] = EmailNotifier(server, ruleset.smtp.sender, ruleset.smtp.timeout)
        else:
            log.warning("rules name e-mail addresses but TOCSIN_SMTP_URL is not set")
    if any(target.webhook for target in ruleset.targets.values()):
        notifiers["webhook"] = WebhookNotifier(ruleset)
    if relay is not None and store is not None:
        notifiers["reporter"] = ReporterNotifier(store, relay)
    return notifiers


def build_worker(
    settings: Any,
    engine: AsyncEngine,
    keyring: Keyring,
    *,
    store: ReportStore | None = None,
    relay: ReporterRelay | None = None,
    redis: Any = None,
    clock: Clock | None = None,
    ruleset: RuleSet | None = None,
    bot: Any = None,
    limiter: OutboundLimiter | None = None,
) -> EscalationWorker:
    """A worker configured from settings and the rules file (validated here, at start)."""
    ruleset = ruleset or load_rules(settings)
    policy = Policy(ruleset, load_units(ruleset.supported_units), keyring)
    notifiers = build_notifiers(settings, ruleset, store, relay, redis, bot, limiter, keyring)
    return EscalationWorker(engine, policy, notifiers, clock=clock, waker=Waker(redis))
