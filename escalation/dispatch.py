"""Sending claimed deliveries through their notifiers and recording what happened.

Each delivery is read into a `Job` at send time (the alert as it is now), sent, then marked
sent with the remote id, or rescheduled: after `retry_after` on a 429 (not counted as a
failure), with exponential back-off on other errors, given up after the last attempt.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from escalation import notices
from escalation.cards import AlertCard, load_card, load_cards
from escalation.clock import Clock, aware
from escalation.digest import digest_text
from escalation.models import Delivery
from escalation.notifiers import Job, Notifier, PermanentFailure, RetryLater
from escalation.queue import claim, mark_retry, mark_sent, mark_skipped
from escalation.rules import RuleSet
from locales.i18n import Translator
from reports.crashpoints import crash_point
from reports.crypto import Keyring
from reports.models import AuditEntry, Report, ReportAddition
from reports.sealing import field_context

log = logging.getLogger(__name__)
EDIT_WAIT = timedelta(seconds=1)


class NotReady(Exception):
    """An edit whose ping is still on its way: try again shortly."""


class Dispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker,
        ruleset: RuleSet,
        keyring: Keyring,
        notifiers: Mapping[str, Notifier],
        clock: Clock,
        worker_id: str,
        concurrency: int = 64,
    ) -> None:
        self.sessions = sessions
        self.ruleset = ruleset
        self.keyring = keyring
        self.notifiers = dict(notifiers)
        self.clock = clock
        self.worker_id = worker_id
        self.concurrency = concurrency

    async def deliver_batch(self, limit: int = 200) -> int:
        """Claim due deliveries and send them concurrently; returns how many were claimed."""
        rows = await self.claim_batch(limit)
        await self.send_batch(rows)
        return len(rows)

    async def claim_batch(self, limit: int = 200) -> list[Delivery]:
        policy = self.ruleset.delivery
        return await claim(
            self.sessions, self.worker_id, list(self.notifiers), self.clock.now(), policy, limit
        )

    async def send_batch(self, rows: list[Delivery]) -> None:
        """Send claimed deliveries concurrently and record each outcome."""
        if not rows:
            return
        prepared = await self.prepare_all(rows)
        semaphore = asyncio.Semaphore(self.concurrency)

        async def bounded(row: Delivery) -> None:
            async with semaphore:
                await self.deliver(row, prepared[row.id])

        await asyncio.gather(*(bounded(row) for row in rows))

    def _time_left(self, row: Delivery, job: Job) -> bool:
        """Start a send only while the claim has half its lease left, and let the notifier
        wait for a rate-limit slot only a quarter of it: a send never outlives its claim, so
        another worker never takes it over while it is in flight."""
        lease = self.ruleset.delivery.lease
        left = (aware(row.claimed_until) or self.clock.now()) - self.clock.now()
        job.max_wait = lease.total_seconds() / 4
        return left >= lease / 2

    async def prepare_all(self, rows: list[Delivery]) -> dict[int, Job | Exception | None]:
        """Read every job of a batch in one transaction; alerts shared by jobs are read once."""
        prepared: dict[int, Job | Exception | None] = {}
        async with self.sessions() as session, session.begin():
            session.info["tocsin_batch"] = {row.id for row in rows}
            alert_ids = sorted({row.alert_id for row in rows if row.alert_id is not None})
            cards: dict[int, AlertCard | None] = dict(await load_cards(session, alert_ids))
            for row in rows:
                try:
                    prepared[row.id] = await self.prepare(session, row, cards)
                except Exception as error:
                    prepared[row.id] = error
        return prepared

    async def deliver(self, row: Delivery, job: Job | Exception | None) -> None:
        policy = self.ruleset.delivery
        kind = row.target.split(":", 1)[0]
        try:
            if isinstance(job, Exception):
                raise job
            if job is not None and not self._time_left(row, job):
                raise RetryLater(0, "claim too old to start a send")
            if job is None:
                await mark_skipped(self.sessions, row, self.worker_id, "nothing to do")
                return
            external_id = await self.notifiers[kind].send(job)
        except NotReady:
            await mark_retry(
                self.sessions, row, self.worker_id, self.clock.now(), policy, "waiting for ping",
                delay=EDIT_WAIT, counts=False,
            )  # fmt: skip
        except RetryLater as error:
            log.info("delivery delayed id=%s kind=%s seconds=%s", row.id, kind, error.seconds)
            await mark_retry(
                self.sessions, row, self.worker_id, self.clock.now(), policy, str(error),
                delay=timedelta(seconds=error.seconds), counts=False,
            )  # fmt: skip
        except PermanentFailure as error:
            log.warning("delivery given up id=%s kind=%s reason=%s", row.id, kind, error)
            await mark_skipped(self.sessions, row, self.worker_id, f"failed: {error}")
        except Exception as error:
            state = await mark_retry(
                self.sessions, row, self.worker_id, self.clock.now(), policy, type(error).__name__
            )
            log.warning(
                "delivery error id=%s kind=%s error=%s attempt=%s state=%s",
                row.id, kind, type(error).__name__, row.attempts + 1, state,
                exc_info=log.isEnabledFor(logging.DEBUG),
            )  # fmt: skip
        else:
            crash_point("ping_after_remote")
            await mark_sent(self.sessions, row, self.worker_id, self.clock.now(), external_id)
            crash_point("ping_after_commit")
            log.info("delivered id=%s kind=%s purpose=%s", row.id, kind, row.purpose)

    async def prepare(
        self, session: AsyncSession, row: Delivery, cards: dict[int, AlertCard | None]
    ) -> Job | None:
        """Read what the delivery should say, as things are now."""
        kind, address = row.target.split(":", 1)
        job = Job(
            delivery_id=row.id,
            kind=kind,
            address=address,
            purpose=row.purpose,
            language=self.ruleset.language_of(row.target),
            payload=dict(row.payload or {}),
        )
        if row.alert_id is not None:
            if row.alert_id not in cards:
                cards[row.alert_id] = await load_card(session, row.alert_id)
            job.card = cards[row.alert_id]
        if row.purpose == "edit":
            job.message_ids = await self._sent_pings(session, row)
            if not job.message_ids:
                return None
        elif row.purpose == "answer":
            job.text = await self._answer_text(session, row, job.language)
            if job.text is None:
                return None
        elif row.purpose == "digest":
            since = datetime.fromisoformat(job.payload["since"])
            job.text = await digest_text(session, since, job.language)
        elif kind == "reporter":
            if row.purpose == notices.PURPOSE:
                turn = await notices.turn_of(session, row, session.info.get("tocsin_batch", ()))
                if turn is notices.Turn.WAIT:
                    raise NotReady()
                if turn is notices.Turn.DROP:
                    return None
            report = await session.get(Report, int(address))
            if report is None or report.erased:
                return None
            job.reference, job.language = report.reference, report.language
        return job

    async def _sent_pings(self, session: AsyncSession, row: Delivery) -> list[str]:
        pings = (
            await session.execute(
                select(Delivery.state, Delivery.external_id).where(
                    Delivery.alert_id == row.alert_id,
                    Delivery.target == row.target,
                    Delivery.purpose.in_(("ping", "remind")),
                )
            )
        ).all()
        if any(state == "pending" for state, _external in pings):
            raise NotReady()
        return [external for state, external in pings if state == "sent" and external]

    async def _answer_text(self, session: AsyncSession, row: Delivery, language: str) -> str | None:
        """The reporter's answer, unsealed only to be relayed to the chat that asked."""
        addition = await session.get(ReportAddition, int(row.payload["addition_id"]))
        if addition is None:
            return None
        report = await session.get(Report, addition.report_id)
        if report is None or report.erased:
            return None
        answer = self.keyring.decrypt_text(
            addition.text_enc, context=field_context(report.reference, "addition")
        )
        session.add(AuditEntry(actor="escalation", action="answer_relayed", report_id=report.id))
        _ = Translator(language)
        return _("Answer from the reporter of {reference}:", reference=report.reference) + (
            f"\n\n{answer or ''}"
        )

    async def close(self) -> None:
        for notifier in self.notifiers.values():
            await notifier.close()
