"""What a ping says about an alert, read from the database at the moment it is sent.

A card holds only clear columns (category, place, time, counts): never the description, the
reporter, or anything sealed. Because it is read at send time, a ping or an edit that waited
in the queue always shows the alert as it is now.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.clock import aware
from escalation.models import Alert, AlertReport
from reports.models import Report


@dataclass(frozen=True)
class ReportFacts:
    reference: str
    severity: str
    reporter_role: str
    organisation: str | None
    perpetrator: str | None
    victims: int | None
    affected_groups: dict[str, int | None]
    occurred_at: datetime | None
    place: str | None
    lat: float | None
    lon: float | None
    immediate_danger: bool | None
    consent_followup: bool
    erased: bool
    status: str
    source_reliability: str | None
    info_credibility: str | None


@dataclass(frozen=True)
class AlertCard:
    alert_id: int
    kind: str
    category: str | None
    severity: str
    country: str | None
    admin_area: str | None
    lat: float | None
    lon: float | None
    confidential: bool
    supported_unit: str | None
    report_count: int
    state: str
    acted_by: str | None
    acted_at: datetime | None
    assigned_to: str | None
    created_at: datetime
    version: int
    reports: tuple[ReportFacts, ...] = ()
    surge_expected: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def first(self) -> ReportFacts | None:
        return self.reports[0] if self.reports else None

    @property
    def references(self) -> list[str]:
        return [report.reference for report in self.reports]

    def to_json(self) -> dict[str, Any]:
        """The webhook body: clear facts only; a confidential alert carries references only."""
        data = asdict(self)
        for key in ("acted_at", "created_at"):
            data[key] = data[key].isoformat() if data[key] else None
        if self.confidential:
            keep = {"alert_id", "kind", "severity", "country", "confidential", "report_count"}
            data = {key: value for key, value in data.items() if key in keep}
            data["references"] = self.references
            return data
        for report in data["reports"]:
            when = report["occurred_at"]
            report["occurred_at"] = when.isoformat() if when else None
        data.pop("extra")
        return data


async def load_card(session: AsyncSession, alert_id: int) -> AlertCard | None:
    return (await load_cards(session, [alert_id])).get(alert_id)


async def load_cards(session: AsyncSession, alert_ids: list[int]) -> dict[int, AlertCard]:
    """The cards of several alerts in two queries (a batch of deliveries shares them)."""
    if not alert_ids:
        return {}
    alerts = (await session.execute(select(Alert).where(Alert.id.in_(alert_ids)))).scalars()
    members: dict[int, list[ReportFacts]] = {}
    rows = await session.execute(
        select(AlertReport.alert_id, Report)
        .join(Report, AlertReport.report_id == Report.id)
        .where(AlertReport.alert_id.in_(alert_ids))
        .order_by(Report.id)
    )
    for alert_id, row in rows.all():
        members.setdefault(alert_id, []).append(_facts(row))
    return {alert.id: _card(alert, tuple(members.get(alert.id, ()))) for alert in alerts}


def _facts(row: Report) -> ReportFacts:
    return ReportFacts(
        reference=row.reference,
        severity=row.severity,
        reporter_role=row.reporter_role,
        organisation=row.organisation,
        perpetrator=row.perpetrator,
        victims=row.victims,
        affected_groups=dict(row.affected_groups or {}),
        occurred_at=aware(row.occurred_at),
        place=row.place,
        lat=row.lat,
        lon=row.lon,
        immediate_danger=row.immediate_danger,
        consent_followup=row.consent_followup,
        erased=row.erased,
        status=row.status,
        source_reliability=row.source_reliability,
        info_credibility=row.info_credibility,
    )


def _card(alert: Alert, reports: tuple[ReportFacts, ...]) -> AlertCard:
    return AlertCard(
        alert_id=alert.id,
        kind=alert.kind,
        category=alert.category,
        severity=alert.severity,
        country=alert.country,
        admin_area=alert.admin_area,
        lat=alert.lat,
        lon=alert.lon,
        confidential=alert.confidential,
        supported_unit=alert.supported_unit,
        report_count=alert.report_count,
        state=alert.state,
        acted_by=alert.acted_by,
        acted_at=aware(alert.acted_at),
        assigned_to=alert.assigned_to,
        created_at=aware(alert.created_at) or alert.created_at,
        version=alert.version,
        reports=reports,
        surge_expected=alert.expected_count,
    )
