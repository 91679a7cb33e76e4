"""How erasure treats escalation's tables (registered in `reports.erasure` on import).

An erased report leaves its incident: its membership row is deleted, so nothing in escalation
still ties the person's report to an incident, and the incident is recounted. It takes its
place (pin and area) from its first remaining report; an incident left with no report has no
place, is dismissed (its reminders stop) and its pings say that the reporter erased the report.
Its pings are edited either way. Follow-up threads of an erased report are deleted.

A worker that read a report before its erasure committed may still route it afterwards; it
then calls `leave_if_erased` on what it routed, once its routing has committed. Should that
check not run (the worker stopped) or fail, `leave_erased_memberships` catches up when a
worker starts and after the failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.models import Alert, AlertReport, StaffQuestion
from escalation.routing import queue_updates
from reports.erasure import Subject, erases, keeps
from reports.models import Report

keeps(
    "escalation_deliveries",
    "targets, purposes and ids only; what a message says is read when it is sent, and an "
    "erased report sends nothing",
)


async def _first_remaining(session: AsyncSession, alert_id: int) -> Report | None:
    return (
        await session.execute(
            select(Report)
            .join(AlertReport, AlertReport.report_id == Report.id)
            .where(AlertReport.alert_id == alert_id, Report.erased.is_(False))
            .order_by(Report.id)
            .limit(1)
        )
    ).scalar_one_or_none()


@erases("escalation_alerts", order=10)
async def leave_incidents(session: AsyncSession, subject: Subject) -> None:
    """The erased reports leave their incidents (their `escalation_alert_reports` rows are
    deleted); each incident is recounted and takes its remaining reports' place.

    The memberships are deleted first and say which incidents they were in as they are
    deleted: a staff merge moving one of them commits before the DELETE goes on (it holds
    the membership's row lock), and the DELETE then reads the incident it was moved to, not
    the one a read before it saw. Memberships, then incidents in id order: the order staff
    regrouping takes its locks in, so the two wait for each other instead of deadlocking.
    Incidents still led by an erased report (a merge emptied them) are recounted too."""
    if not subject.report_ids:
        return
    left = await session.execute(
        delete(AlertReport)
        .where(AlertReport.report_id.in_(subject.report_ids))
        .returning(AlertReport.alert_id)
        .execution_options(synchronize_session=False)
    )
    # and any incident still led by one of them: an incident a merge emptied keeps its last
    # report's place
    led = await session.execute(
        select(Alert.id).where(Alert.first_report_id.in_(subject.report_ids))
    )
    alert_ids = sorted({*left.scalars(), *led.scalars()})
    if not alert_ids:
        return
    alerts = (
        await session.execute(
            select(Alert)
            .where(Alert.id.in_(alert_ids), Alert.kind == "incident")
            .order_by(Alert.id)
            .with_for_update()
        )
    ).scalars()
    for alert in list(alerts):
        await _recount(session, alert, subject)


async def leave_if_erased(
    session: AsyncSession, report_ids: Sequence[int], now: datetime
) -> list[int]:
    """Run after a routing transaction committed, in a short transaction of its own: those of
    its `report_ids` erased meanwhile leave their incidents again (`leave_incidents`, which
    is idempotent); which ones did.

    The erasure marks the report row erased in its transaction (an UPDATE: the row stays
    locked until it commits), so on PostgreSQL `FOR SHARE` waits for an erasure still in
    flight and then sees the row erased; an erasure that starts after the routing committed
    deletes the membership itself (its DELETE sees committed rows). Routing locks no report,
    so this cannot deadlock with staff actions. SQLite serialises writers: no lock clause.
    """
    if not report_ids:
        return []
    # by id only: with `erased` in the WHERE clause PostgreSQL would test the row as the
    # snapshot saw it (not erased yet), neither lock nor wait; locked by id, it waits for
    # the erasure and then reads the row as committed
    query = select(Report.id, Report.erased).where(Report.id.in_(sorted(set(report_ids))))
    if session.bind.dialect.name == "postgresql":
        query = query.order_by(Report.id).with_for_update(read=True)
    rows = (await session.execute(query)).all()
    erased = sorted(report_id for report_id, is_erased in rows if is_erased)
    if erased:
        await leave_incidents(session, Subject((), now=now, report_ids=erased))
    return erased


async def leave_erased_memberships(session: AsyncSession, now: datetime) -> list[int]:
    """The safety net behind `leave_if_erased`: every erased report still a member of an
    incident leaves it (a worker stopped between routing's commit and its check, or the
    check failed); which ones. Normally none: one join, run when a worker starts and after a
    failed check."""
    members = (
        select(AlertReport.report_id)
        .join(Report, Report.id == AlertReport.report_id)
        .where(Report.erased.is_(True))
        .order_by(AlertReport.report_id)
    )
    erased = list((await session.execute(members)).scalars())
    if erased:
        await leave_incidents(session, Subject((), now=now, report_ids=erased))
    return erased


async def _recount(session: AsyncSession, alert: Alert, subject: Subject) -> None:
    count = await session.scalar(
        select(func.count()).select_from(AlertReport).where(AlertReport.alert_id == alert.id)
    )
    first = await _first_remaining(session, alert.id)
    alert.report_count = int(count or 0)
    alert.first_report_id = first.id if first else None
    alert.lat = first.lat if first else None
    alert.lon = first.lon if first else None
    alert.admin_area = first.admin_area if first else None
    if first is None:
        alert.state, alert.next_escalation_at = "dismissed", None
    await queue_updates(session, alert, subject.now)


@erases("escalation_questions", order=10)
async def erase_followup_threads(session: AsyncSession, subject: Subject) -> None:
    if subject.report_ids:
        await session.execute(
            delete(StaffQuestion).where(StaffQuestion.report_id.in_(subject.report_ids))
        )
