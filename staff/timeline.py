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

from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    LargeBinary,
    Select,
    Text,
    bindparam,
    cast,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
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


def _branch(source: str, *columns: Any) -> Select:
    """One table's rows in the common shape of `_RECORDS` (src, id, at, at2, kind, actor,
    detail, blob, size); a column a table lacks is a typed NULL."""
    shape = (
        ("id", Integer()),
        ("at", DateTime(timezone=True)),
        ("at2", DateTime(timezone=True)),
        ("kind", Text()),
        ("actor", Text()),
        ("detail", Text()),
        ("blob", LargeBinary()),
        ("size", BigInteger()),
    )
    given = dict(zip([name for name, _type in shape], columns, strict=False))
    return select(
        literal_column(f"'{source}'", Text()).label("src"),
        *(
            (given[name] if given.get(name) is not None else cast(null(), kind)).label(name)
            for name, kind in shape
        ),
    )


_REPORT_ID = bindparam("report_id", type_=Integer())
# Built once, and one statement: the case page reads the report's audit entries, additions,
# questions, deliveries and files (without their content) in one round trip, in one shape.
_RECORD_BRANCHES = {
    "audit": _branch(
        "a",
        AuditEntry.id,
        AuditEntry.at,
        None,
        AuditEntry.action,
        AuditEntry.actor,
        AuditEntry.detail,
    ).where(AuditEntry.report_id == _REPORT_ID),
    "additions": _branch(
        "d",
        ReportAddition.id,
        ReportAddition.created_at,
        None,
        ReportAddition.kind,
        None,
        None,
        ReportAddition.text_enc,
    ).where(ReportAddition.report_id == _REPORT_ID),
    "questions": _branch(
        "q",
        StaffQuestion.id,
        StaffQuestion.asked_at,
        StaffQuestion.created_at,
        StaffQuestion.state,
        StaffQuestion.channel,
    ).where(StaffQuestion.report_id == _REPORT_ID),
    "media": _branch(
        "m",
        ReportMedia.id,
        ReportMedia.created_at,
        None,
        ReportMedia.kind,
        ReportMedia.mime_type,
        ReportMedia.sha256,
        None,
        ReportMedia.size_bytes,
    ).where(ReportMedia.report_id == _REPORT_ID),
}
_DELIVERY_BRANCH = _branch(
    "v", Delivery.id, Delivery.sent_at, Delivery.created_at, Delivery.purpose, Delivery.target,
    Delivery.state,
)  # fmt: skip
_RECORDS = {
    placed: union_all(
        *_RECORD_BRANCHES.values(),
        _DELIVERY_BRANCH.where(
            or_(
                Delivery.target == bindparam("target", type_=Text()),
                *((Delivery.alert_id == bindparam("alert_id", type_=Integer()),) if placed else ()),
            )
        ),
    ).order_by(literal_column("src"), literal_column("id"))
    for placed in (False, True)
}


@dataclass(frozen=True)
class MediaLine:
    """A file of the report as the page lists it (never its content)."""

    id: int
    kind: str
    mime_type: str | None
    size_bytes: int
    sha256: str


async def case_records(
    engine: AsyncEngine,
    keyring: Keyring,
    report_id: int,
    reference: str,
    alert_id: int | None,
    *,
    with_custody: bool = False,
) -> CaseRecords:
    """Everything the case page shows of a report's history, in one statement (autocommit:
    reads only). Decrypts the reporter's additions: call it only beside an audited read."""
    parameters = {"report_id": report_id, "target": f"reporter:{report_id}", "alert_id": alert_id}
    async with reader(engine).connect() as connection:
        rows = (await connection.execute(_RECORDS[alert_id is not None], parameters)).all()
    audited = [row for row in rows if row.src == "a"]
    additions = [row for row in rows if row.src == "d"]
    events = [
        Event(_at(entry.at, entry.at), entry.kind, entry.actor, entry.detail)
        for entry in audited
        if entry.kind not in QUIET_ACTIONS
    ]
    context = field_context(reference, "addition")
    texts = [keyring.decrypt_text(row.blob, context=context) for row in additions]
    events += [
        Event(_at(row.at, row.at), row.kind, "reporter", text)
        for row, text in zip(additions, texts, strict=True)
    ]
    events += [
        Event(_at(row.at, row.at2), f"question_{row.kind}", row.actor)
        for row in rows
        if row.src == "q"
    ]
    events += _delivery_events([row for row in rows if row.src == "v"], report_id)
    media = [
        MediaLine(row.id, row.kind, row.actor, row.size, row.detail)
        for row in rows
        if row.src == "m"
    ]
    lines = _custody_lines(audited) if with_custody else {}
    return CaseRecords(
        sorted(events, key=lambda event: event.at),
        media,
        [text or "" for text in texts],
        lines,
    )


def _delivery_events(rows: list[Any], report_id: int) -> list[Event]:
    """Pings, reminders and edits of the incident; notices sent to this report's reporter."""
    events = []
    for row in rows:  # target in `actor`, purpose in `kind`, state in `detail`
        if row.actor.startswith("reporter:") and row.actor != f"reporter:{report_id}":
            continue
        kind = row.actor.split(":", 1)[0]
        events.append(Event(_at(row.at, row.at2), row.kind, kind, row.detail))
    return events


def _custody_lines(audited: list[Any]) -> dict[int, list[Event]]:
    """Media id -> every access to it (who, when, how), from the report's audit entries."""
    lines: dict[int, list[Event]] = {}
    for entry in audited:  # the action in `kind`
        if not entry.kind.startswith("media_"):
            continue
        media_id, _sep, _rest = (entry.detail or "").partition(" ")
        if media_id.isdigit():
            lines.setdefault(int(media_id), []).append(
                Event(aware(entry.at) or entry.at, entry.kind, entry.actor, entry.detail)
            )
    return lines


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
