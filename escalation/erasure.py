"""How erasure treats escalation's tables (registered in `reports.erasure` on import).

An incident takes its place (pin and area) from its first report: when that report is erased
the incident takes the place of its first remaining report, or none, and its pings are edited
so staff see the report as erased. Follow-up threads of an erased report are deleted.
Memberships stay (two ids): they let staff see an erased report as erased in its incident.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.models import Alert, AlertReport, StaffQuestion
from escalation.routing import queue_updates
from reports.erasure import Subject, erases, keeps
from reports.models import Report

keeps(
    "escalation_alert_reports",
    "two ids and a time: an erased report shows as erased in its incident",
)
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
async def erase_alert_places(session: AsyncSession, subject: Subject) -> None:
    if not subject.report_ids:
        return
    alerts = (
        await session.execute(
            select(Alert)
            .where(
                Alert.id.in_(
                    select(AlertReport.alert_id).where(
                        AlertReport.report_id.in_(subject.report_ids)
                    )
                ),
                Alert.kind == "incident",
            )
            .order_by(Alert.id)
        )
    ).scalars()
    for alert in list(alerts):
        first = await _first_remaining(session, alert.id)
        alert.first_report_id = first.id if first else None
        alert.lat = first.lat if first else None
        alert.lon = first.lon if first else None
        alert.admin_area = first.admin_area if first else None
        await queue_updates(session, alert, subject.now)


@erases("escalation_questions", order=10)
async def erase_followup_threads(session: AsyncSession, subject: Subject) -> None:
    if subject.report_ids:
        await session.execute(
            delete(StaffQuestion).where(StaffQuestion.report_id.in_(subject.report_ids))
        )
