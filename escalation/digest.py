"""The daily digest: what came in during the last day, and what still waits for someone."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.models import Alert, AlertReport
from locales.i18n import Translator
from locales.labels import CATEGORY_LABELS, label
from reports.models import Report


async def digest_text(session: AsyncSession, since: datetime, language: str) -> str:
    _ = Translator(language)
    # the digest goes to non-confidential staff: confidential alerts and their reports are
    # neither listed nor counted
    alerts = list(
        (
            await session.execute(
                select(Alert)
                .where(Alert.created_at >= since, Alert.confidential.is_(False))
                .order_by(Alert.id)
            )
        ).scalars()
    )
    open_alerts = list(
        (
            await session.execute(
                select(Alert, Report.reference)
                .join(Report, Report.id == Alert.first_report_id, isouter=True)
                .where(Alert.state == "open", Alert.confidential.is_(False))
                .order_by(Alert.id.desc())
                .limit(10)
            )
        ).all()
    )
    reports = len(
        (
            await session.execute(
                select(AlertReport.report_id)
                .join(Alert, Alert.id == AlertReport.alert_id)
                .where(AlertReport.joined_at >= since, Alert.confidential.is_(False))
            )
        ).all()
    )
    lines = [
        "🗓 " + _("Daily digest"),
        _("Reports in the last day: {count}", count=reports),
        _("New alerts: {count}", count=len(alerts)),
    ]
    categories = Counter(alert.category for alert in alerts if alert.category)
    for category, count in categories.most_common(5):
        lines.append(f"  {label(CATEGORY_LABELS, category, _)}: {count}")
    lines.append(_("Still waiting for acknowledgement: {count}", count=len(open_alerts)))
    for alert, reference in open_alerts:
        lines.append(f"  {reference or alert.kind} · {alert.severity}")
    return "\n".join(lines)
