"""Staff correcting clustering: merge a report into another incident, or split it out.

Both keep the invariant that a report belongs to one incident and that `report_count` is its
number of reports; both edit the pings of every incident they change, so the Telegram cards
show the new grouping. An incident left without reports is dismissed (its timer stops).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.models import Alert, AlertReport
from escalation.routing import new_incident, queue_updates
from reports.models import Report


class RegroupError(ValueError):
    """A merge or split that cannot be done; the message says why."""


async def _recount(session: AsyncSession, alert: Alert, now: datetime) -> None:
    count = await session.scalar(
        select(func.count()).select_from(AlertReport).where(AlertReport.alert_id == alert.id)
    )
    alert.report_count = int(count or 0)
    if alert.report_count == 0:
        # nothing left to lead it or to place it: it keeps no trace of the report that left
        alert.state, alert.next_escalation_at = "dismissed", None
        alert.first_report_id = None
        alert.lat = alert.lon = alert.admin_area = None
    else:
        first = await session.scalar(
            select(func.min(AlertReport.report_id)).where(AlertReport.alert_id == alert.id)
        )
        alert.first_report_id = first
    await queue_updates(session, alert, now)


async def _lock_incidents(session: AsyncSession, *alert_ids: int) -> dict[int, Alert]:
    """Lock incidents in id order (as erasure does, after the membership): two
    transactions locking the same incidents then queue instead of deadlocking."""
    found = await session.execute(
        select(Alert).where(Alert.id.in_(sorted(alert_ids))).order_by(Alert.id).with_for_update()
    )
    return {alert.id: alert for alert in found.scalars()}


async def merge_into(
    session: AsyncSession, report_id: int, target_alert_id: int, now: datetime
) -> tuple[Alert | None, Alert]:
    """Move the report's membership to `target_alert_id`; returns (old, new) alerts."""
    membership = await session.get(AlertReport, report_id, with_for_update=True)
    if membership is None:
        raise RegroupError("the report or the incident is not known to escalation")
    if membership.alert_id == target_alert_id:
        raise RegroupError("the report is already in that incident")
    locked = await _lock_incidents(session, membership.alert_id, target_alert_id)
    target, old = locked.get(target_alert_id), locked.get(membership.alert_id)
    if target is None:
        raise RegroupError("the report or the incident is not known to escalation")
    if old is not None and old.confidential != target.confidential:
        raise RegroupError("a confidential and a non-confidential incident cannot be merged")
    membership.alert_id, membership.joined_at = target.id, now
    await session.flush()
    if old is not None:
        await _recount(session, old, now)
    await _recount(session, target, now)
    return old, target


async def split_out(session: AsyncSession, report_id: int, now: datetime) -> Alert:
    """Give the report an incident of its own, copied from the one it leaves."""
    membership = await session.get(AlertReport, report_id, with_for_update=True)
    row = await session.get(Report, report_id)
    if membership is None or row is None:
        raise RegroupError("the report is not known to escalation")
    old = await session.get(Alert, membership.alert_id, with_for_update=True)
    if old is None or old.report_count <= 1:
        raise RegroupError("the report is alone in its incident")
    alert = new_incident(
        row,
        now,
        confidential=old.confidential,
        supported_unit=old.supported_unit,
        state=old.state,
        acted_by=old.acted_by,
        acted_at=old.acted_at,
        assigned_to=old.assigned_to,
    )
    session.add(alert)
    await session.flush()
    membership.alert_id, membership.joined_at = alert.id, now
    await session.flush()
    await _recount(session, old, now)
    return alert
