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

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from escalation.clock import aware
from escalation.models import Alert, AlertReport, Delivery, StaffQuestion
from locales.i18n import N_
from reports.crypto import Keyring
from reports.database import session_factory
from reports.models import AuditEntry, Report, ReportAddition
from reports.sealing import field_context
from staff.filters import visibility
from staff.reading import reader

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


async def case_timeline(
    engine: AsyncEngine, keyring: Keyring, report_id: int, reference: str, alert_id: int | None
) -> list[Event]:
    async with session_factory(reader(engine))() as session:
        events = await _audited(session, report_id)
        events += await _additions(session, keyring, report_id, reference)
        questions = await session.execute(
            select(StaffQuestion).where(StaffQuestion.report_id == report_id)
        )
        for question in questions.scalars():
            moment = _at(question.asked_at, question.created_at)
            events.append(Event(moment, f"question_{question.state}", question.channel))
        events += await _deliveries(session, report_id, alert_id)
    return sorted(events, key=lambda event: event.at)


async def _audited(session: AsyncSession, report_id: int) -> list[Event]:
    rows = await session.execute(
        select(AuditEntry).where(AuditEntry.report_id == report_id).order_by(AuditEntry.id)
    )
    return [
        Event(_at(entry.at, entry.at), entry.action, entry.actor, entry.detail)
        for entry in rows.scalars()
        if entry.action not in QUIET_ACTIONS
    ]


async def _additions(
    session: AsyncSession, keyring: Keyring, report_id: int, reference: str
) -> list[Event]:
    context = field_context(reference, "addition")
    rows = await session.execute(
        select(ReportAddition).where(ReportAddition.report_id == report_id)
    )
    return [
        Event(
            _at(row.created_at, row.created_at),
            row.kind,
            "reporter",
            keyring.decrypt_text(row.text_enc, context=context),
        )
        for row in rows.scalars()
    ]


async def _deliveries(session: AsyncSession, report_id: int, alert_id: int | None) -> list[Event]:
    """Pings, reminders and edits of the incident; notices sent to this report's reporter."""
    targets = [Delivery.target == f"reporter:{report_id}"]
    if alert_id is not None:
        targets.append(Delivery.alert_id == alert_id)
    rows = await session.execute(select(Delivery).where(or_(*targets)).order_by(Delivery.id))
    events = []
    for row in rows.scalars():
        if row.target.startswith("reporter:") and row.target != f"reporter:{report_id}":
            continue
        kind = row.target.split(":", 1)[0]
        events.append(Event(_at(row.sent_at, row.created_at), row.purpose, kind, row.state))
    return events


async def cluster_members(
    engine: AsyncEngine, alert_id: int | None, report_id: int, role: str
) -> list[tuple[str, str, str, datetime]]:
    """(reference, category, status, received) of the incident's other visible reports."""
    if alert_id is None:
        return []
    async with session_factory(reader(engine))() as session:
        rows = await session.execute(
            select(Report.reference, Report.category, Report.status, Report.created_at)
            .join(AlertReport, AlertReport.report_id == Report.id)
            .join(Alert, Alert.id == AlertReport.alert_id)
            .where(AlertReport.alert_id == alert_id, Report.id != report_id, visibility(role))
            .order_by(Report.created_at)
            .limit(200)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def custody(engine: AsyncEngine, report_id: int) -> dict[int, list[Event]]:
    """Media id -> every access to it (who, when, how)."""
    lines: dict[int, list[Event]] = {}
    async with session_factory(reader(engine))() as session:
        rows = await session.execute(
            select(AuditEntry)
            .where(AuditEntry.report_id == report_id, AuditEntry.action.like("media_%"))
            .order_by(AuditEntry.id)
        )
        for entry in rows.scalars():
            media_id, _sep, _rest = (entry.detail or "").partition(" ")
            if media_id.isdigit():
                lines.setdefault(int(media_id), []).append(
                    Event(aware(entry.at) or entry.at, entry.action, entry.actor, entry.detail)
                )
    return lines
