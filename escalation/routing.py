"""Turning outbox events into alerts and queued deliveries, one transaction per batch.

`report.submitted` joins the report to an incident (or starts one), applies every matching
rule's first chain step and checks its area for a surge; `report.status` tells a consenting
reporter; an answer to a staff question goes back to the chat that asked; details and erasure
refresh the pings. Events are locked with `FOR UPDATE SKIP LOCKED`, processed and marked in
the same transaction as the deliveries they queue, so a crash re-processes them whole.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from escalation import notices, statements
from escalation.clock import Clock
from escalation.clustering import Placed, incident_candidates, pick_incident
from escalation.models import Alert, AlertReport, StaffQuestion, new_alert
from escalation.queue import enqueue, enqueue_many
from escalation.rules import AlertFacts, RuleSet, matching_rules
from escalation.surge import SurgeReading, read_area, record_surge
from escalation.unit_threshold import record_unit_threshold
from escalation.units import Unit, UnitRegistry, fold
from nlu.taxonomy import SEVERITIES
from reports.crypto import Keyring
from reports.models import OutboxEvent, Report, ReportAddition
from reports.sealing import field_context

log = logging.getLogger(__name__)
EVENT_RETRY = timedelta(seconds=30)


@dataclass
class Policy:
    """What routing needs besides the database: rules, units registry, keys."""

    ruleset: RuleSet
    units: UnitRegistry
    keyring: Keyring

    def unseal(self, row: Report, column: str) -> str | None:
        token = getattr(row, f"{column}_enc")
        return self.keyring.decrypt_text(token, context=field_context(row.reference, column))

    @cached_property
    def confidential_words(self) -> tuple[str, ...]:
        """The keywords folded once: folding them again for every report cost more than
        the rest of the check."""
        keywords = self.ruleset.confidentiality.keywords
        return tuple(f" {folded} " for word in keywords if (folded := fold(word)))

    def is_confidential(self, row: Report, *texts: str | None) -> bool:
        """By category or perpetrator, or a keyword anywhere the reporter wrote: the
        perpetrator detail (a monitor's `who`) and the description alike ("soldiers" as the
        perpetrator does not make "EUTM instructors were there" less confidential)."""
        rules = self.ruleset.confidentiality
        if row.category in rules.categories or row.perpetrator in rules.perpetrators:
            return True
        # the NLU's reading counts even when the person then picked another category
        if row.confidential_reading or set(row.categories or ()) & set(rules.categories):
            return True
        for text in texts:
            folded = f" {fold(text or '')} "
            if any(word in folded for word in self.confidential_words):
                return True
        return False

    def texts(self, row: Report) -> tuple[str | None, str | None]:
        """The report's perpetrator detail and description, unsealed."""
        return self.unseal(row, "perpetrator_detail"), self.unseal(row, "description")


_MEMO = "tocsin_batch_memo"
_JOINED = "tocsin_joined"  # the reports this batch made members of an incident
AfterRouting = Callable[[list[int], datetime], Awaitable[object]]


@dataclass
class BatchMemo:
    """What a batch's transaction has already read, so that reports of one busy incident
    or area do not read it again for each report. Routing is the only writer of these rows
    within the batch and keeps the memo up to date; it is dropped with the transaction (and
    when an isolated event is rolled back)."""

    candidates: dict[tuple[str, bool], list[Alert]] = field(default_factory=dict)
    pinged: dict[int, list[str]] = field(default_factory=dict)
    readings: dict[tuple[str | None, str], SurgeReading] = field(default_factory=dict)
    surges: dict[str, Alert] = field(default_factory=dict)


def batch_memo(session: AsyncSession) -> BatchMemo | None:
    """The memo of the batch this session routes; None outside the event processor."""
    return session.info.get(_MEMO)


def facts_of(alert: Alert, row: Report | None) -> AlertFacts:
    return AlertFacts(
        kind=alert.kind,
        category=alert.category,
        severity=alert.severity,
        confidential=alert.confidential,
        categories=tuple(row.categories or ()) if row else (),
        immediate_danger=row.immediate_danger if row else None,
        country=alert.country,
        admin_area=alert.admin_area,
        lat=alert.lat,
        lon=alert.lon,
        perpetrator=row.perpetrator if row else None,
        reporter_role=row.reporter_role if row else "community",
        supported_unit=alert.supported_unit,
        cluster_size=alert.report_count,
        source_reliability=row.source_reliability if row else None,
    )


def new_incident(row: Report, now: datetime, **fields: Any) -> Alert:
    """An incident started by one report: its kind, place and severity are the report's;
    `fields` add the rest (confidentiality, unit, and what a split keeps of its old incident)."""
    return new_alert(
        now,
        kind="incident",
        category=row.category,
        severity=row.severity,
        country=row.country,
        admin_area=row.admin_area,
        lat=row.lat,
        lon=row.lon,
        report_count=1,
        first_report_id=row.id,
        **fields,
    )


def set_timer(ruleset: RuleSet, alert: Alert) -> None:
    """The earliest next chain step of any rule, while nobody has acknowledged."""
    if alert.state != "open":
        alert.next_escalation_at = None
        return
    rules = {rule.name: rule for rule in ruleset.rules}
    due: list[datetime] = []
    for name, (level, since) in (alert.rules or {}).items():
        rule = rules.get(name)
        if rule is not None and level + 1 < len(rule.chain):
            due.append(datetime.fromisoformat(since) + rule.chain[level + 1].after)
    alert.next_escalation_at = min(due) if due else None


async def apply_rules(
    session: AsyncSession, ruleset: RuleSet, alert: Alert, row: Report | None, now: datetime
) -> None:
    """Start every newly matching rule: its first chain step is queued at once.

    The alert (new or changed) is written once, with its rules and timer, before the pings
    that name it are queued in one statement.
    """
    started = dict(alert.rules or {})
    new_rules = [
        rule for rule in matching_rules(ruleset, facts_of(alert, row)) if rule.name not in started
    ]
    for rule in new_rules:
        started[rule.name] = [0, now.isoformat()]
    alert.rules = started
    set_timer(ruleset, alert)
    if alert.id is None:  # a new alert is written now: its pings name it
        await session.flush()
    targets = dict.fromkeys(t for rule in new_rules for t in ruleset.step_targets(rule, 0))
    rows = [
        {"target": target, "purpose": "ping", "dedupe_key": f"ping:{alert.id}:{target}"}
        for target in targets
    ]
    if rows and (memo := batch_memo(session)) is not None:
        memo.pinged.pop(alert.id, None)  # read again after these pings
    await enqueue_many(session, rows, now=now, alert_id=alert.id)


async def pinged_targets(session: AsyncSession, alert_id: int) -> list[str]:
    """Telegram chats and webhooks pinged about the alert (read once per batch)."""
    memo = batch_memo(session)
    if memo is not None and alert_id in memo.pinged:
        return memo.pinged[alert_id]
    found = await statements.run_core(session, statements.PINGED_TARGETS, {"alert_id": alert_id})
    targets = list(found.scalars())
    if memo is not None:
        memo.pinged[alert_id] = targets
    return targets


async def queue_updates(session: AsyncSession, alert: Alert, now: datetime) -> None:
    """After a change, edit every Telegram ping and tell every pinged webhook."""
    alert.version += 1
    alert.updated_at = now
    targets = await pinged_targets(session, alert.id)
    rows = []
    for target in targets:
        purpose = "edit" if target.startswith("telegram:") else "update"
        key = f"{purpose}:{alert.id}:{target}:{alert.version}"
        rows.append({"target": target, "purpose": purpose, "dedupe_key": key})
    await enqueue_many(session, rows, now=now, alert_id=alert.id)


class EventProcessor:
    """Consumes the outbox written by `reports.storage`."""

    def __init__(
        self,
        sessions: async_sessionmaker,
        policy: Policy,
        clock: Clock,
        after_routing: AfterRouting | None = None,
    ) -> None:
        """`after_routing` is called, once a batch has committed, with the reports it made
        members of an incident (the worker checks that none was erased meanwhile)."""
        self.sessions = sessions
        self.policy = policy
        self.clock = clock
        self.after_routing = after_routing

    async def process_batch(self, limit: int = 50) -> int:
        """Handle up to `limit` due events in one transaction; returns how many were taken.

        The batch's reports and memberships are read in two queries up front. Should one
        event fail, the batch is rolled back and handled again one savepoint per event, so
        the faulty event is set aside for later without holding up the others.
        """
        try:
            taken, joined = await self._batch(limit, isolate=False)
        except Exception:
            log.warning("outbox batch failed; handling its events one by one")
            taken, joined = await self._batch(limit, isolate=True)
        if joined and self.after_routing is not None:  # outside the retry: the batch committed
            await self.after_routing(joined, self.clock.now())
        return taken

    async def _batch(self, limit: int, *, isolate: bool) -> tuple[int, list[int]]:
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            session.info[_MEMO] = BatchMemo()
            values = {"now": now, "limit": limit}
            events = list((await session.execute(statements.DUE_EVENTS, values)).scalars())
            await self._prefetch(session, events)
            for event in events:
                if isolate:
                    await self._isolated(session, event, now)
                else:
                    await self.handle(session, event, now)
            if events and not isolate:
                ids = [event.id for event in events]
                await statements.run_core(
                    session, statements.MARK_PROCESSED, {"ids": ids, "now": now}
                )
            joined = list(session.info.get(_JOINED, ()))
        return len(events), joined

    async def _isolated(self, session: AsyncSession, event: OutboxEvent, now: datetime) -> None:
        try:
            async with session.begin_nested():
                await self.handle(session, event, now)
        except Exception as error:
            log.exception("outbox event failed id=%s topic=%s", event.id, event.topic)
            session.info[_MEMO] = BatchMemo()  # it may remember what was rolled back
            event.attempts += 1
            event.available_at = now + EVENT_RETRY * min(event.attempts, 20)
            event.last_error = type(error).__name__
            return
        event.processed_at = now
        event.attempts += 1

    async def _prefetch(self, session: AsyncSession, events: list[OutboxEvent]) -> None:
        """Load the batch's reports, note which are already routed, take the cluster locks."""
        ids = [event.report_id for event in events if event.report_id is not None]
        if not ids:
            return
        rows = list((await session.execute(statements.REPORTS, {"ids": ids})).scalars())
        session.info["tocsin_reports"] = rows  # kept alive: `session.get` finds them
        routed = await statements.run_core(session, statements.ROUTED, {"ids": ids})
        session.info["tocsin_routed"] = set(routed.scalars())
        submitted = {event.report_id for event in events if event.topic == "report.submitted"}
        fresh = [row for row in rows if row.id in submitted]
        self._read_texts(session, fresh)
        await self._lock_clusters(session, fresh)

    def _read_texts(self, session: AsyncSession, rows: list[Report]) -> None:
        """Unseal the batch's new reports once and note the confidential ones up front: an
        area's surge count, read at the batch's first report there, must already leave out
        a confidential report routed later in the same batch."""
        texts = session.info.setdefault("tocsin_texts", {})
        confidential = session.info.setdefault("tocsin_confidential", set())
        for row in rows:
            if row.erased:
                continue
            texts[row.id] = self.policy.texts(row)
            if self.policy.is_confidential(row, *texts[row.id]):
                confidential.add(row.id)

    async def handle(self, session: AsyncSession, event: OutboxEvent, now: datetime) -> None:
        handlers = {
            "report.submitted": self.on_submitted,
            "report.status": self.on_status,
            "report.updated": self.on_updated,
            "report.erased": self.on_changed,
        }
        handler = handlers.get(event.topic)
        if handler is not None and event.report_id is not None:
            await handler(session, event, now)

    @staticmethod
    async def _lock_clusters(session: AsyncSession, rows: list[Report]) -> None:
        """Two workers must not start two incidents for one event at the same moment.

        Incidents never span two countries, so the locks are per category and country, all
        taken at the start of the batch, in order (two batches never wait on each other in
        a circle)."""
        if session.bind.dialect.name != "postgresql" or not rows:
            return
        keys = sorted({f"tocsin-cluster:{row.category}:{row.country or '-'}" for row in rows})
        await statements.run_core(session, statements.CLUSTER_LOCKS, {"keys": keys})

    async def on_submitted(self, session: AsyncSession, event: OutboxEvent, now: datetime) -> None:
        row = await session.get(Report, event.report_id)
        if row is None or row.erased or row.id in session.info.get("tocsin_routed", ()):
            return
        if row.relevant is False:
            log.info("report kept unrouted report=%s: read as not an incident", row.id)
            return
        session.info.setdefault("tocsin_routed", set()).add(row.id)
        known = session.info.get("tocsin_texts", {}).get(row.id)
        perpetrator_text, description = known or self.policy.texts(row)
        unit = self.policy.units.match_any((perpetrator_text, description), row.country)
        confidential = self.policy.is_confidential(row, perpetrator_text, description)
        if confidential:
            session.info.setdefault("tocsin_confidential", set()).add(row.id)
        placed = Placed(
            row.category,
            confidential,
            row.lat,
            row.lon,
            row.admin_area,
            row.place,
            row.country,
            description,
        )
        alert = await self._find_incident(session, placed, now)
        if alert is None:
            alert = new_incident(
                row,
                now,
                confidential=confidential,
                supported_unit=unit.name[:64] if unit else None,
            )
            session.add(alert)
            self._remember_incident(session, alert)
        else:
            alert.report_count += 1
            alert.severity = max(alert.severity, row.severity, key=SEVERITIES.index)
            alert.supported_unit = alert.supported_unit or (unit.name[:64] if unit else None)
            await queue_updates(session, alert, now)
        await apply_rules(session, self.policy.ruleset, alert, row, now)
        session.add(AlertReport(report_id=row.id, alert_id=alert.id, joined_at=now))
        session.info.setdefault(_JOINED, []).append(row.id)
        log.info(
            "report routed report=%s alert=%s size=%s confidential=%s",
            row.id,
            alert.id,
            alert.report_count,
            alert.confidential,
        )
        if not confidential:  # a surge alert is for non-confidential staff
            await self._check_surge(session, row, now)
        if unit is not None and unit.threshold is not None and not confidential:
            await self._check_unit(session, unit, now)

    async def _check_unit(self, session: AsyncSession, unit: Unit, now: datetime) -> None:
        await self._announce(session, await record_unit_threshold(session, unit, now), now)

    async def _announce(
        self, session: AsyncSession, recorded: tuple[Alert, bool] | None, now: datetime
    ) -> None:
        """A windowed alert (surge, unit threshold) just recorded: a new one goes through the
        rules (its first pings); one whose count grew has its pings edited."""
        if recorded is None:
            return
        alert, created = recorded
        if created:
            log.info("%s alert=%s count=%s", alert.kind, alert.id, alert.report_count)
            await apply_rules(session, self.policy.ruleset, alert, None, now)
        elif alert.version > 1:
            await queue_updates(session, alert, now)

    async def _find_incident(
        self, session: AsyncSession, placed: Placed, now: datetime
    ) -> Alert | None:
        """The incident the report joins; the candidates are read once per batch and
        category (the batch's new incidents are added as they start)."""
        policy = self.policy.ruleset.clustering
        memo = batch_memo(session)
        key = (placed.category, placed.confidential)
        candidates = memo.candidates.get(key) if memo is not None else None
        if candidates is None:
            candidates = await incident_candidates(session, *key, policy, now)
            if memo is not None:
                memo.candidates[key] = candidates
        return await pick_incident(candidates, placed, policy, self._first_description)

    @staticmethod
    def _remember_incident(session: AsyncSession, alert: Alert) -> None:
        """A new incident is the newest candidate for the rest of the batch."""
        memo = batch_memo(session)
        if memo is None or alert.category is None:
            return
        candidates = memo.candidates.get((alert.category, alert.confidential))
        if candidates is not None:
            candidates.insert(0, alert)
            del candidates[statements.CANDIDATES_LIMIT :]

    async def _first_description(self, alert: Alert) -> str | None:
        async with self.sessions() as session:
            if alert.first_report_id is None:
                return None
            row = await session.get(Report, alert.first_report_id)
            return self.policy.unseal(row, "description") if row else None

    async def _check_surge(self, session: AsyncSession, row: Report, now: datetime) -> None:
        policy = self.policy.ruleset.surge
        if not policy.enabled or not row.admin_area:
            return
        memo = batch_memo(session) or BatchMemo()
        area = (row.country, row.admin_area)
        reading = memo.readings.get(area)
        if reading is None:  # the counts change only with other reports' commits
            reading = await read_area(
                session,
                row.country,
                row.admin_area,
                policy,
                now,
                self.policy.ruleset.confidentiality,
                session.info.get("tocsin_confidential", ()),
            )
            memo.readings[area] = reading
        await self._announce(
            session, await record_surge(session, reading, policy, now, memo.surges), now
        )

    async def on_status(self, session: AsyncSession, event: OutboxEvent, now: datetime) -> None:
        """Tell a consenting reporter that their report's status changed."""
        row = await session.get(Report, event.report_id)
        status = str(event.payload.get("status", ""))
        if row is None or row.erased or not row.consent_followup or not status:
            return
        target, key = f"reporter:{row.id}", f"notice:{row.id}:{status}"
        await notices.supersede_older(session, target, key, now)
        await enqueue(
            session, target=target, purpose="notice", dedupe_key=key, now=now,
            payload={"status": status},
        )  # fmt: skip

    async def on_updated(self, session: AsyncSession, event: OutboxEvent, now: datetime) -> None:
        if event.payload.get("kind") == "answer":
            await self._relay_answers(session, event.report_id, now)
        await self.on_changed(session, event, now)

    async def on_changed(self, session: AsyncSession, event: OutboxEvent, now: datetime) -> None:
        """More details, or an erasure: refresh the pings of the report's incident."""
        membership = await session.get(AlertReport, event.report_id)
        if membership is not None:
            alert = await session.get(Alert, membership.alert_id)
            if alert is not None:
                await queue_updates(session, alert, now)

    async def _relay_answers(self, session: AsyncSession, report_id: int, now: datetime) -> None:
        """Every answer of the report goes once to the chat whose question it answers."""
        question = (
            await session.execute(
                select(StaffQuestion)
                .where(StaffQuestion.report_id == report_id, StaffQuestion.state != "awaiting_text")
                .order_by(StaffQuestion.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if question is None:
            return
        if question.channel == "web":  # the staff desk shows answers on the case page
            question.state = "answered"
            return
        additions = (
            await session.execute(
                select(ReportAddition.id).where(
                    ReportAddition.report_id == report_id, ReportAddition.kind == "answer"
                )
            )
        ).scalars()
        for addition_id in additions:
            await enqueue(
                session,
                alert_id=question.alert_id,
                target=f"{question.channel}:{question.chat_id}",
                purpose="answer",
                dedupe_key=f"answer:{addition_id}",
                now=now,
                payload={"addition_id": addition_id, "report_id": report_id},
            )
        question.state = "answered"
