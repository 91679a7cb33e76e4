"""One row per visible report with what happened to it: the ground of the accountability
figures.

For each report of the reader's scope: when staff first acted on it (its first status change by
staff, from a Telegram button or the desk), when its reporter first heard back (a status notice
delivered, or a staff question put to them), the desks its incident was sent to, the affected
groups it names (rows of `report_groups`, not its JSON) and how long it has been open. Both
moments are stored on the report when they happen (`first_ack_at`, `first_notice_at`, written
by `reports.storage`); grouping the audit log and the deliveries for every report at read time
took seconds over a hundred thousand reports.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, select

from escalation.models import Alert, AlertReport, Delivery
from reports.models import Report, ReportGroup
from staff.analysis.source import Scope

OPEN_STATUSES = ("received", "triaged", "under_verification")
AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("under_1d", timedelta(days=1)),
    ("1d_7d", timedelta(days=7)),
    ("7d_30d", timedelta(days=30)),
    ("over_30d", None),
)
DIMENSIONS = (
    "all",
    "country",
    "category",
    "channel",
    "desk",
    "affected_group",
    "supported_unit",
)


def age_bucket(now: datetime) -> Any:
    """The age bucket of an open report; NULL for a report no longer open."""
    whens = [
        (Report.created_at > now - limit, name) for name, limit in AGE_BUCKETS if limit is not None
    ]
    bucket = case(*whens, else_=AGE_BUCKETS[-1][0])
    return case((Report.status.in_(OPEN_STATUSES), bucket), else_=None)


def facts_statement(scope: Scope, now: datetime) -> Any:
    """The per-report facts of the scope (see the module's docstring): one row per report,
    no join beyond the scope's own (the times are stored on the report as they happen). The
    incident is named by the membership row, so a statement that needs neither the unit nor
    the confidentiality of incidents lets the database leave the incidents out."""
    return scope.select(
        Report.id,
        Report.country,
        Report.category,
        Report.channel,
        Report.created_at,
        Report.victims,
        AlertReport.alert_id.label("alert_id"),
        Alert.supported_unit,
        Report.first_ack_at.label("ack_at"),
        Report.first_notice_at.label("feedback_at"),
        age_bucket(now).label("age"),
    )


def desk_label(desks: dict[str, str]) -> Any:
    """A ping's target address as the name of the desk (rules target) it belongs to."""
    if not desks:
        return Delivery.target
    return case(desks, value=Delivery.target, else_=Delivery.target)


def pings(desks: dict[str, str]) -> Any:
    """(incident, desk) pairs of the pings and reminders sent, each once: made distinct per
    incident before any join (an incident has many pings and reminders, a report one
    incident), so joining them to reports needs no sort."""
    label = desk_label(desks).label("desk")
    return (
        select(Delivery.alert_id, label)
        .where(Delivery.purpose.in_(("ping", "remind")), Delivery.alert_id.is_not(None))
        .distinct()
        .subquery("pings")
    )


def groups_statement(facts: Any) -> Any:
    """(report id, group, people) rows: the affected groups each report names."""
    return select(facts.c.id, ReportGroup.name, ReportGroup.people).join(
        ReportGroup, ReportGroup.report_id == facts.c.id
    )


def desks_statement(facts: Any, desks: dict[str, str]) -> Any:
    """(report id, desk) pairs: the desks each report's incident was pinged to."""
    pinged = pings(desks)
    return select(facts.c.id, pinged.c.desk).join(pinged, pinged.c.alert_id == facts.c.alert_id)
