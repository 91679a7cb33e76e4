"""A case's timeline and its neighbours: what happened to it, in order, from the records.

Read from the audit log (received, status changes, gradings, actions, media custody), the
escalation deliveries (pings, reminders, card edits, notices to the reporter), the staff
questions and the reporter's additions (details and answers, decrypted for this reader).
Staff reads are left out of the timeline (they are in the audit page) except media access,
which is the custody line of each file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.clock import aware
from escalation.models import Alert, AlertReport, Delivery, StaffQuestion
from locales.i18n import N_
from reports.crypto import Keyring
from reports.models import AuditEntry, Report, ReportAddition, ReportMedia
from reports.sealing import field_context
from staff.filters import visibility
from staff.reading import reader
from staff.roles import sees_confidential

QUIET_ACTIONS = frozenset({"read", "listed", "api_listed", "contact_used"})
# the words of each kind of event (unknown kinds show their code)
EVENT_LABELS: dict[str, str] = {
    "submitted": N_("Received"),
    "status": N_("Status changed"),
    "graded": N_("Graded"),
    "added_details": N_("Reporter added details"),
    "added_answer": N_("Reporter answered"),
    "details": N_("Details from the reporter"),
    "answer": N_("Answer from the reporter"),
    "erased": N_("Erased by the reporter"),
    "ping": N_("Staff pinged"),
    "remind": N_("Staff reminded"),
    "edit": N_("Ping updated"),
    "update": N_("Partners updated"),
    "notice": N_("Notice to the reporter"),
    "question_asked": N_("Question sent to the reporter"),
    "question_answered": N_("Question answered"),
    "question_closed": N_("Question not delivered"),
    "question_awaiting_text": N_("Question being written"),
    "media_viewed": N_("File viewed"),
    "media_downloaded": N_("File downloaded"),
    "desk_ack": N_("Acknowledged on the desk"),
    "desk_assign": N_("Assigned on the desk"),
    "desk_verify": N_("Verified on the desk"),
    "desk_dismiss": N_("Dismissed on the desk"),
    "desk_status": N_("Status changed on the desk"),
    "desk_merge": N_("Merged on the desk"),
    "desk_split": N_("Split on the desk"),
    "desk_ask": N_("Question asked on the desk"),
    "desk_notice": N_("Status notice sent from the desk"),
}


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # audit action, delivery purpose, "question", "details", "answer"
    actor: str | None = None
    detail: str | None = None


def _at(moment: datetime | None, fallback: datetime) -> datetime:
    return aware(moment) or aware(fallback) or fallback


@dataclass(frozen=True)
class CaseRecords:
    """What the case page reads beside the report: its timeline, its files (without their
    content), the reporter's additions (decrypted, in order) and each file's custody."""

    timeline: list[Event]
    media: list[Any]
    additions: list[str]
    custody: dict[int, list[Event]]


# Built once (the case page asks them all on every load): columns, not entities.
_REPORT_ID = bindparam("report_id")
_AUDITED = (
    select(AuditEntry.at, AuditEntry.action, AuditEntry.actor, AuditEntry.detail)
    .where(AuditEntry.report_id == _REPORT_ID)
    .order_by(AuditEntry.id)
)
_ADDITIONS = (
    select(ReportAddition.created_at, ReportAddition.kind, ReportAddition.text_enc)
    .where(ReportAddition.report_id == _REPORT_ID)
    .order_by(ReportAddition.id)
)
_QUESTIONS = select(
    StaffQuestion.asked_at, StaffQuestion.created_at, StaffQuestion.state, StaffQuestion.channel
).where(StaffQuestion.report_id == _REPORT_ID)
_DELIVERY_COLUMNS = (Delivery.target, Delivery.purpose, Delivery.state)
_DELIVERY_COLUMNS += (Delivery.sent_at, Delivery.created_at)
_DELIVERIES = {
    placed: select(*_DELIVERY_COLUMNS)
    .where(
        or_(
            Delivery.target == bindparam("target"),
            *((Delivery.alert_id == bindparam("alert_id"),) if placed else ()),
        )
    )
    .order_by(Delivery.id)
    for placed in (False, True)
}
_MEDIA = (
    select(
        ReportMedia.id,
        ReportMedia.kind,
        ReportMedia.mime_type,
        ReportMedia.size_bytes,
        ReportMedia.sha256,
    )
    .where(ReportMedia.report_id == _REPORT_ID)
    .order_by(ReportMedia.id)
)


async def case_records(
    engine: AsyncEngine,
    keyring: Keyring,
    report_id: int,
    reference: str,
    alert_id: int | None,
    *,
    with_custody: bool = False,
) -> CaseRecords:
    """Everything the case page shows of a report's history, on one connection (autocommit:
    reads only). Decrypts the reporter's additions: call it only beside an audited read."""
    ids = {"report_id": report_id}
    async with reader(engine).connect() as connection:
        audited = (await connection.execute(_AUDITED, ids)).all()
        additions = (await connection.execute(_ADDITIONS, ids)).all()
        questions = (await connection.execute(_QUESTIONS, ids)).all()
        deliveries = (
            await connection.execute(
                _DELIVERIES[alert_id is not None],
                {"target": f"reporter:{report_id}", "alert_id": alert_id},
            )
        ).all()
        media = (await connection.execute(_MEDIA, ids)).all()
    events = [
        Event(_at(entry.at, entry.at), entry.action, entry.actor, entry.detail)
        for entry in audited
        if entry.action not in QUIET_ACTIONS
    ]
    context = field_context(reference, "addition")
    texts = [keyring.decrypt_text(row.text_enc, context=context) for row in additions]
    events += [
        Event(_at(row.created_at, row.created_at), row.kind, "reporter", text)
        for row, text in zip(additions, texts, strict=True)
    ]
    events += [
        Event(_at(row.asked_at, row.created_at), f"question_{row.state}", row.channel)
        for row in questions
    ]
    events += _delivery_events(deliveries, report_id)
    lines = _custody_lines(audited) if with_custody else {}
    return CaseRecords(
        sorted(events, key=lambda event: event.at),
        list(media),
        [text or "" for text in texts],
        lines,
    )


def _delivery_events(rows: list[Any], report_id: int) -> list[Event]:
    """Pings, reminders and edits of the incident; notices sent to this report's reporter."""
    events = []
    for row in rows:
        if row.target.startswith("reporter:") and row.target != f"reporter:{report_id}":
            continue
        kind = row.target.split(":", 1)[0]
        events.append(Event(_at(row.sent_at, row.created_at), row.purpose, kind, row.state))
    return events


def _custody_lines(audited: list[Any]) -> dict[int, list[Event]]:
    """Media id -> every access to it (who, when, how), from the report's audit entries."""
    lines: dict[int, list[Event]] = {}
    for entry in audited:
        if not entry.action.startswith("media_"):
            continue
        media_id, _sep, _rest = (entry.detail or "").partition(" ")
        if media_id.isdigit():
            lines.setdefault(int(media_id), []).append(
                Event(aware(entry.at) or entry.at, entry.action, entry.actor, entry.detail)
            )
    return lines


async def case_timeline(
    engine: AsyncEngine, keyring: Keyring, report_id: int, reference: str, alert_id: int | None
) -> list[Event]:
    """The timeline alone (see `case_records`)."""
    records = await case_records(engine, keyring, report_id, reference, alert_id)
    return records.timeline


_CLUSTER = {
    sees: select(Report.reference, Report.category, Report.status, Report.created_at)
    .join(AlertReport, AlertReport.report_id == Report.id)
    .join(Alert, Alert.id == AlertReport.alert_id)
    .where(
        AlertReport.alert_id == bindparam("alert_id"),
        Report.id != bindparam("report_id"),
        visibility("confidential" if sees else None),
    )
    .order_by(Report.created_at)
    .limit(200)
    for sees in (False, True)
}


async def cluster_members(
    engine: AsyncEngine, alert_id: int | None, report_id: int, role: str
) -> list[tuple[str, str, str, datetime]]:
    """(reference, category, status, received) of the incident's other visible reports."""
    if alert_id is None:
        return []
    async with reader(engine).connect() as connection:
        rows = await connection.execute(
            _CLUSTER[sees_confidential(role)], {"alert_id": alert_id, "report_id": report_id}
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def custody(engine: AsyncEngine, report_id: int) -> dict[int, list[Event]]:
    """Media id -> every access to it (who, when, how)."""
    async with reader(engine).connect() as connection:
        audited = (await connection.execute(_AUDITED, {"report_id": report_id})).all()
    return _custody_lines(audited)
