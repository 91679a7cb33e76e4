"""The routing SQL, built once and run with bound values.

Building a SQLAlchemy statement (coercing every comparison, then generating its cache key)
costs more CPU than the database takes to run it, and routing runs these statements for every
report and every poll. Each is built here once and executed with parameters; the delivery
insert is built once per dialect (`ON CONFLICT` is dialect-specific).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncSession

from escalation.models import Alert, AlertReport, Delivery
from reports.models import OutboxEvent, Report

# Core tables where no ORM object is needed: such statements skip the ORM's execution layer
# (and its autoflush), which costs as much again as running them
_alert_reports = AlertReport.__table__
_deliveries = Delivery.__table__
_outbox = OutboxEvent.__table__
_reports = Report.__table__


def _ids() -> Any:
    return bindparam("ids", expanding=True)


# due outbox events, oldest first: `now`, `limit`
DUE_EVENTS = (
    select(OutboxEvent)
    .where(OutboxEvent.processed_at.is_(None), OutboxEvent.available_at <= bindparam("now"))
    .order_by(OutboxEvent.id)
    .limit(bindparam("limit", type_=Integer))
    .with_for_update(skip_locked=True)
)

# a batch's events are marked together: `ids`, `now`
MARK_PROCESSED = (
    update(_outbox)
    .where(_outbox.c.id.in_(_ids()))
    .values(processed_at=bindparam("now"), attempts=_outbox.c.attempts + 1)
)

REPORTS = select(Report).where(Report.id.in_(_ids()))  # `ids`
ROUTED = select(_alert_reports.c.report_id).where(_alert_reports.c.report_id.in_(_ids()))

# per category and country, in order, so that two batches never wait on each other in a circle
CLUSTER_LOCKS = text(
    "SELECT count(pg_advisory_xact_lock(hashtext(k))) "
    "FROM (SELECT unnest(CAST(:keys AS text[])) AS k ORDER BY 1) AS ordered"
)

# open incidents a report may join, newest first: `category`, `confidential`, `since`
CANDIDATES_LIMIT = 50
INCIDENT_CANDIDATES = (
    select(Alert)
    .where(
        Alert.kind == "incident",
        Alert.category == bindparam("category"),
        Alert.confidential == bindparam("confidential"),
        Alert.state.in_(("open", "acknowledged")),
        Alert.created_at >= bindparam("since"),
    )
    .order_by(Alert.created_at.desc(), Alert.id.desc())
    .limit(CANDIDATES_LIMIT)
)

# targets already pinged about an alert, whose message an update edits: `alert_id`
PINGED_TARGETS = (
    select(_deliveries.c.target)
    .where(
        _deliveries.c.alert_id == bindparam("alert_id"),
        _deliveries.c.purpose.in_(("ping", "remind")),
        _deliveries.c.state.in_(("pending", "sent")),
        or_(
            _deliveries.c.target.startswith("telegram:"),
            _deliveries.c.target.startswith("webhook:"),
        ),
    )
    .distinct()
)


def _count_between(start: str, end: str) -> Any:
    created = _reports.c.created_at
    inside = (created >= bindparam(start)) & (created < bindparam(end))
    return func.coalesce(func.sum(case((inside, 1), else_=0)), 0)


_alerts = Alert.__table__
# reports of confidential incidents: never counted where non-confidential staff read counts
_CONFIDENTIAL_MEMBERS = (
    select(_alert_reports.c.report_id)
    .join(_alerts, _alerts.c.id == _alert_reports.c.alert_id)
    .where(_alerts.c.confidential.is_(True))
)


def _not_confidential() -> Any:
    """Leaves out confidential reports: by category and perpetrator (`confidential_categories`,
    `confidential_perpetrators`), as members of a confidential incident, and those of the
    batch being routed (`confidential_ids`), whose membership is not written yet."""
    perpetrator = _reports.c.perpetrator
    return and_(
        _reports.c.category.not_in(bindparam("confidential_categories", expanding=True)),
        or_(
            perpetrator.is_(None),
            perpetrator.not_in(bindparam("confidential_perpetrators", expanding=True)),
        ),
        _reports.c.id.not_in(_CONFIDENTIAL_MEMBERS),
        _reports.c.id.not_in(bindparam("confidential_ids", expanding=True)),
    )


def _area_counts(with_country: bool) -> Any:
    """Non-confidential reports of one area in the window and in the baseline before it, in
    one scan: `area`, `country`, `baseline_start`, `window_start`, `window_end`, and the
    values of `_not_confidential`."""
    query = select(
        _count_between("window_start", "window_end"),
        _count_between("baseline_start", "window_start"),
    ).where(
        _reports.c.admin_area == bindparam("area"),
        _reports.c.created_at >= bindparam("baseline_start"),
        _reports.c.created_at < bindparam("window_end"),
        _not_confidential(),
    )
    return query.where(_reports.c.country == bindparam("country")) if with_country else query


AREA_COUNTS = _area_counts(with_country=True)
AREA_COUNTS_ANY_COUNTRY = _area_counts(with_country=False)

SURGE_ALERT = select(Alert).where(Alert.surge_key == bindparam("key"))  # `key`

# unacknowledged alerts whose next chain step is due: `now`
DUE_ALERTS = (
    select(Alert)
    .where(Alert.state == "open", Alert.next_escalation_at <= bindparam("now"))
    .order_by(Alert.next_escalation_at)
    .limit(50)
    .with_for_update(skip_locked=True)
)


@cache
def insert_deliveries(dialect: str) -> Any:
    """Queue deliveries, one parameter set per row; a row whose `dedupe_key` was ever queued
    is left out (two workers queueing the same key at the same moment leave one row)."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(_deliveries)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(_deliveries.c.id)  # the rows inserted, so the caller learns how many
    )


async def run_core(session: AsyncSession, statement: Any, values: Any) -> Result[Any]:
    """Run a Core statement on the session's connection, without the session's autoflush:
    what routing changes on ORM objects (an incident's count, its memberships) is written
    once, at the next ORM query or the commit, rather than before every statement. Only for
    statements that do not read those pending changes."""
    connection = await session.connection()
    return await connection.execute(statement, values)
