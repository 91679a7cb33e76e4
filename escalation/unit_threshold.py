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
from escalation.statements import SURGE_ALERT
from escalation.units import Unit
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
    bucket = int(now.timestamp() // threshold.window.total_seconds())
    key = f"unit:{unit.id}:{bucket}"
    alert = (await session.execute(SURGE_ALERT, {"key": key})).scalar_one_or_none()
    if alert is not None:
        if count > alert.report_count:
            alert.report_count, alert.version, alert.updated_at = count, alert.version + 1, now
        return alert, False
    alert = Alert(
        kind="unit",
        severity="high",
        country=unit.country,
        confidential=False,
        supported_unit=name,
        report_count=count,
        expected_count=float(threshold.reports),
        surge_key=key,
        state="open",
        rules={},
        chain_level=0,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(alert)
    await session.flush()
    return alert, True
