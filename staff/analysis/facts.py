"""One row per visible report with what happened to it: the ground of the accountability
figures.

For each report of the reader's scope: when staff first acted on it (the first status change
in the audit log, which the Telegram buttons and the desk's actions both write), when its
reporter first heard back (a status notice delivered, or a staff question put to them), the
desks its incident was sent to, and how long it has been open.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, case, cast, func, literal, select

from escalation.models import Alert, Delivery, StaffQuestion
from reports.models import AuditEntry, Report
from staff.analysis.source import Scope

# Audit actions that mean "a person on the staff side took this report in hand".
ACK_ACTIONS = ("status", "acknowledged", "assigned", "verified", "dismissed")
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


def earliest(first: Any, second: Any) -> Any:
    """The earlier of two moments, either of which may be missing (portable LEAST)."""
    return case(
        (first.is_(None), second),
        (second.is_(None), first),
        (first <= second, first),
        else_=second,
    )


def age_bucket(now: datetime) -> Any:
    """The age bucket of an open report; NULL for a report no longer open."""
    whens = [
        (Report.created_at > now - limit, name) for name, limit in AGE_BUCKETS if limit is not None
    ]
    bucket = case(*whens, else_=AGE_BUCKETS[-1][0])
    return case((Report.status.in_(OPEN_STATUSES), bucket), else_=None)


def facts_statement(scope: Scope, now: datetime) -> Any:
    """The per-report facts of the scope (see the module's docstring)."""
    acks = (
        select(AuditEntry.report_id, func.min(AuditEntry.at).label("at"))
        .where(
            AuditEntry.action.in_(ACK_ACTIONS),
            AuditEntry.actor != "reporter",
            AuditEntry.report_id.is_not(None),
        )
        .group_by(AuditEntry.report_id)
        .subquery("acks")
    )
    notices = (
        select(Delivery.target, func.min(Delivery.sent_at).label("at"))
        .where(Delivery.purpose == "notice", Delivery.state == "sent")
        .group_by(Delivery.target)
        .subquery("notices")
    )
    questions = (
        select(StaffQuestion.report_id, func.min(StaffQuestion.asked_at).label("at"))
        .where(StaffQuestion.asked_at.is_not(None))
        .group_by(StaffQuestion.report_id)
        .subquery("questions")
    )
    reporter_target = literal("reporter:", String).concat(cast(Report.id, String))
    return (
        scope.select(
            Report.id,
            Report.country,
            Report.category,
            Report.channel,
            Report.created_at,
            Report.victims,
            Report.affected_groups,
            Alert.id.label("alert_id"),
            Alert.supported_unit,
            acks.c.at.label("ack_at"),
            earliest(notices.c.at, questions.c.at).label("feedback_at"),
            age_bucket(now).label("age"),
        )
        .outerjoin(acks, acks.c.report_id == Report.id)
        .outerjoin(notices, notices.c.target == reporter_target)
        .outerjoin(questions, questions.c.report_id == Report.id)
    )


def desk_label(desks: dict[str, str]) -> Any:
    """A ping's target address as the name of the desk (rules target) it belongs to."""
    if not desks:
        return Delivery.target
    return case(desks, value=Delivery.target, else_=Delivery.target)


def desks_statement(facts: Any, desks: dict[str, str]) -> Any:
    """(report id, desk) pairs: the desks each report's incident was pinged to."""
    label = desk_label(desks).label("desk")
    return (
        select(facts.c.id, label)
        .join(Delivery, Delivery.alert_id == facts.c.alert_id)
        .where(Delivery.purpose.in_(("ping", "remind")))
        .distinct()
    )
