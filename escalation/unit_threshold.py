"""A supported unit named too often: its own staff alert when its threshold is crossed.

A unit of the registry may set `threshold: {reports: N, window: 30d}`. When a report naming
it is routed, the reports whose incidents name the unit within the window are counted; at N
or more, one alert of kind `unit` per unit and window is raised (later reports update it),
and the rules that match `kind: unit` say who hears of it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.models import Alert, AlertReport
from escalation.units import Unit
from escalation.window_alert import record_window_alert, window_number
from reports.models import Report

UNIT_REPORTS = (
    select(func.count())
    .select_from(AlertReport)
    .join(Alert, Alert.id == AlertReport.alert_id)
    .join(Report, Report.id == AlertReport.report_id)
    .where(
        Alert.kind == "incident",
        Alert.supported_unit == bindparam("unit"),
        Report.created_at >= bindparam("since"),
        Report.erased.is_(False),
    )
)


async def record_unit_threshold(
    session: AsyncSession, unit: Unit, now: datetime
) -> tuple[Alert, bool] | None:
    """The unit's alert of this window, created or updated; None below the threshold."""
    threshold = unit.threshold
    if threshold is None:
        return None
    await session.flush()  # the report that was just routed counts
    name = unit.name[:64]
    count = int(
        (
            await session.execute(UNIT_REPORTS, {"unit": name, "since": now - threshold.window})
        ).scalar_one()
    )
    if count < threshold.reports:
        return None
    return await record_window_alert(
        session,
        f"unit:{unit.id}:{window_number(now, threshold.window)}",
        count,
        float(threshold.reports),
        now,
        kind="unit",
        country=unit.country,
        supported_unit=name,
    )
