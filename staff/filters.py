"""The case filter shared by the case list, the API, exports, the map and the charts.

`CaseFilter.from_query(request.query)` reads the query string; `base_query(filter, role, now)`
turns it into one SQLAlchemy select over reports joined to their incident (`visible_reports`),
with the role's visibility applied, and `one_page` pages it newest first. A confidential
case does not exist for a role that may not see it: the predicate is part of the query, so no
list, count, map, chart or export can leak it.

Fail closed: until escalation has placed a report in an incident (which decides whether it is
confidential) only the confidential role sees it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, false, or_, select, true, tuple_

from escalation.models import Alert, AlertReport
from reports.models import REPORTER_ROLES, STATUSES, Report
from staff.roles import sees_confidential

SEVERITIES = ("low", "medium", "high", "critical")
PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
PERIODS["90d"] = timedelta(days=90)
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
_CODE = re.compile(r"^[a-z_]{1,64}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class FilterError(ValueError):
    """A query parameter that cannot be read; the message names it."""


def _many(query: Mapping[str, str] | Any, name: str) -> tuple[str, ...]:
    """Values of a parameter given repeated (`?status=a&status=b`) or comma-separated."""
    getall = getattr(query, "getall", None)
    raw = getall(name, []) if getall else ([query[name]] if name in query else [])
    values = [part.strip() for item in raw for part in str(item).split(",")]
    return tuple(value for value in values if value)


def _one(query: Mapping[str, str], name: str) -> str | None:
    value = query.get(name)
    return value.strip() or None if isinstance(value, str) else None


def parse_date(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{name}: not an ISO 8601 date ({value[:40]!r})") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check(values: tuple[str, ...], allowed: tuple[str, ...] | None, name: str) -> None:
    for value in values:
        if (allowed is not None and value not in allowed) or (
            allowed is None and not _CODE.match(value)
        ):
            raise FilterError(f"{name}: unknown value {value[:40]!r}")


def _flag(value: str | None, name: str) -> bool | None:
    if value is None:
        return None
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise FilterError(f"{name}: expected yes or no")


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last row's (created_at, id), opaque to clients."""

    created_at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.created_at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            moment, ident = raw.split("|")
            return cls(parse_date(moment, "cursor") or datetime.now(UTC), int(ident))
        except (ValueError, UnicodeDecodeError):
            raise FilterError("cursor: not a cursor of this list") from None


@dataclass(frozen=True)
class CaseFilter:
    status: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()
    role: tuple[str, ...] = ()  # the reporter's role: community | monitor
    area: str | None = None
    unit: str | None = None
    q: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    period: str | None = None
    confidential: bool | None = None
    needs_action: bool = False
    cursor: Cursor | None = None
    limit: int = PAGE_SIZE
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> CaseFilter:
        """Read the filter from query parameters; raises FilterError naming a bad one."""
        status, category = _many(query, "status"), _many(query, "category")
        country = tuple(code.upper() for code in _many(query, "country"))
        severity, role = _many(query, "severity"), _many(query, "role")
        _check(status, STATUSES, "status")
        _check(category, None, "category")
        _check(severity, SEVERITIES, "severity")
        _check(role, REPORTER_ROLES, "role")
        for code in country:
            if not _COUNTRY.match(code):
                raise FilterError(f"country: not an ISO country code ({code[:10]!r})")
        period = _one(query, "period")
        if period is not None and period not in PERIODS:
            raise FilterError(f"period: one of {', '.join(PERIODS)}")
        cursor_text = _one(query, "cursor")
        limit_text = _one(query, "limit") or str(PAGE_SIZE)
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_PAGE_SIZE:
            raise FilterError(f"limit: a number from 1 to {MAX_PAGE_SIZE}")
        return cls(
            status=status,
            category=category,
            country=country,
            severity=severity,
            role=role,
            area=_one(query, "area"),
            unit=_one(query, "unit"),
            q=_one(query, "q"),
            since=parse_date(_one(query, "since"), "since"),
            until=parse_date(_one(query, "until"), "until"),
            period=period,
            confidential=_flag(_one(query, "confidential"), "confidential"),
            needs_action=bool(_flag(_one(query, "needs_action"), "needs_action")),
            cursor=Cursor.decode(cursor_text) if cursor_text else None,
            limit=int(limit_text),
        )

    def next_page(self, cursor: Cursor) -> CaseFilter:
        return replace(self, cursor=cursor)

    def to_query(self) -> dict[str, str]:
        """The parameters that rebuild this filter (cursor and limit left out)."""
        pairs: dict[str, str] = {}
        for name in ("status", "category", "country", "severity", "role"):
            if getattr(self, name):
                pairs[name] = ",".join(getattr(self, name))
        for name in ("area", "unit", "q", "period"):
            if getattr(self, name):
                pairs[name] = getattr(self, name)
        for name in ("since", "until"):
            if getattr(self, name):
                pairs[name] = getattr(self, name).isoformat()
        if self.confidential is not None:
            pairs["confidential"] = "yes" if self.confidential else "no"
        if self.needs_action:
            pairs["needs_action"] = "yes"
        return pairs


CASE_COLUMNS = (
    Alert.id.label("alert_id"),
    Alert.report_count.label("cluster_size"),
    Alert.state.label("alert_state"),
    Alert.assigned_to.label("assigned_to"),
    Alert.acted_by.label("acted_by"),
    Alert.supported_unit.label("unit"),
    Alert.confidential.label("confidential"),
)


def visibility(role: str | None) -> Any:
    """The predicate that hides confidential (and not yet placed) cases from `role`."""
    if sees_confidential(role):
        return true()
    return and_(Alert.id.is_not(None), Alert.confidential.is_(False))


def visible_reports(role: str | None, *columns: Any) -> Select:
    """`columns` of reports outer-joined to their incident, the cases `role` may not see
    left out; unfiltered (the case list builds these once and adds the filter per page)."""
    return (
        select(*columns)
        .select_from(Report)
        .outerjoin(AlertReport, AlertReport.report_id == Report.id)
        .outerjoin(Alert, Alert.id == AlertReport.alert_id)
        .where(visibility(role))
    )


def one_page(query: Select, case_filter: CaseFilter) -> Select:
    """`query` newest first, from the filter's cursor on, one page (limit + 1 rows, so the
    caller knows whether there is a next)."""
    if case_filter.cursor is not None:
        mark = case_filter.cursor
        query = query.where(tuple_(Report.created_at, Report.id) < tuple_(mark.created_at, mark.id))
    return query.order_by(Report.created_at.desc(), Report.id.desc()).limit(case_filter.limit + 1)


def base_query(case_filter: CaseFilter, role: str | None, now: datetime) -> Select:
    """Every matching visible case, unordered and unpaged (counts, maps, charts, exports)."""
    query = visible_reports(role, Report, *CASE_COLUMNS)
    return query.where(*conditions(case_filter, role, now))


def conditions(case_filter: CaseFilter, role: str | None, now: datetime) -> list[Any]:
    """The filter's WHERE clauses over `Report` and the outer-joined `Alert`."""
    f = case_filter
    found: list[Any] = []
    for column, values in (
        (Report.status, f.status),
        (Report.category, f.category),
        (Report.country, f.country),
        (Report.severity, f.severity),
        (Report.reporter_role, f.role),
    ):
        if values:
            found.append(column.in_(values))
    if f.area:
        found.append(Report.admin_area == f.area)
    if f.unit:
        found.append(Alert.supported_unit == f.unit)
    if f.q:
        found.append(_search(f.q))
    since = f.since
    if f.period:
        since = max(since, now - PERIODS[f.period]) if since else now - PERIODS[f.period]
    if since:
        found.append(Report.created_at >= since)
    if f.until:
        found.append(Report.created_at < f.until)
    if f.confidential is not None:
        if not sees_confidential(role):
            found.append(false() if f.confidential else true())
        else:
            found.append(Alert.confidential.is_(True) if f.confidential else visibility(None))
    if f.needs_action:
        found.append(or_(Alert.state == "open", Report.status == "received"))
    return found


def _search(text: str) -> Any:
    """By reference (whole or its start), else by place name."""
    cleaned = text.strip()
    reference = cleaned.upper()
    if re.fullmatch(r"TX-[A-Z0-9]{4}-[A-Z0-9]{4}", reference):
        return Report.reference == reference
    if re.fullmatch(r"[A-Z0-9-]{2,14}", reference) and reference.startswith("TX"):
        return Report.reference.startswith(reference)
    return or_(
        Report.reference == reference, Report.place.ilike(f"%{_escape(cleaned)}%", escape="\\")
    )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")[:100]
