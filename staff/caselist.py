"""Reading one page of the case list: the rows a role may see, the next cursor.

Shared by the HTML list, its live refresh and `GET /staff/api/reports`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, null
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.clock import aware
from reports.crypto import Keyring
from reports.models import Report
from reports.records import ReportView
from reports.sealing import open_report
from staff.filters import (
    CASE_COLUMNS,
    CaseFilter,
    Cursor,
    conditions,
    one_page,
    visible_reports,
)
from staff.reading import reader
from staff.roles import sees_confidential


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list: the report, decrypted, and its incident's columns."""

    report: ReportView
    categories: tuple[str, ...]
    alert_id: int | None
    cluster_size: int
    alert_state: str | None
    holder: str | None
    unit: str | None
    confidential: bool
    age: timedelta

    def to_json(self) -> dict[str, Any]:
        """The fields of `tocsin reports list --json` (never the contact), and the case's."""
        data = self.report.to_json()
        data.update(
            categories=list(self.categories),
            alert_id=self.alert_id,
            cluster_size=self.cluster_size,
            alert_state=self.alert_state,
            assigned_to=self.holder,
            supported_unit=self.unit,
            confidential=self.confidential,
        )
        return data


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    next: Cursor | None


# The report's columns a line of the list shows (or the API's JSON carries): every column
# but the sealed free text, which is read (and decrypted) only when asked for. Selecting
# columns, not the mapped entity, spares building an ORM object per row.
LIST_COLUMNS = tuple(
    column
    for column in Report.__table__.columns
    if not column.name.endswith("_enc")
    and column.name not in ("first_ack_at", "first_notice_at", "erased_at")
)
# in the list's perpetrator column; the description is selected as NULL, so that reading the
# row's absent description is a plain column (not a failed look-up) and decrypts nothing
SHOWN_SEALED = (Report.perpetrator_detail_enc, null().label("description_enc"))
API_SEALED = (Report.perpetrator_detail_enc, Report.description_enc)
# what the case page reads of its report in the statement that checks it may be seen
CASE_SEALED = (
    Report.perpetrator_detail_enc,
    Report.description_enc,
    Report.occurred_text_enc,
    Report.location_text_enc,
)
# Built once: the desk asks these on every page, and a statement made anew each time costs
# its construction and its cache key before the cached compiled form is found. The role
# decides only whether confidential cases are visible, so two variants cover every role.
_LIST_BASE = {
    (sees, description): visible_reports(
        "confidential" if sees else None,
        *LIST_COLUMNS,
        *(API_SEALED if description else SHOWN_SEALED),
        *CASE_COLUMNS,
    )
    for sees in (False, True)
    for description in (False, True)
}
# What one line of the HTML list shows, and no more: every column selected is decoded by the
# driver on each of the page's rows.
LINE_COLUMNS = (
    Report.id,
    Report.reference,
    Report.category,
    Report.categories,
    Report.perpetrator,
    Report.perpetrator_detail_enc,
    Report.affected_groups,
    Report.victims,
    Report.occurred_at,
    Report.place,
    Report.admin_area,
    Report.country,
    Report.severity,
    Report.status,
    Report.erased,
    Report.created_at,
)
_LINES_BASE = {
    sees: visible_reports("confidential" if sees else None, *LINE_COLUMNS, *CASE_COLUMNS)
    for sees in (False, True)
}
_ONE_CASE = {
    (sees, sealed): visible_reports(
        "confidential" if sees else None,
        *LIST_COLUMNS,
        *(CASE_SEALED if sealed else (null().label("description_enc"),)),
        *CASE_COLUMNS,
    )
    .where(Report.reference == bindparam("reference"))
    .limit(1)
    for sees in (False, True)
    for sealed in (False, True)
}


def categories_of(row: Any) -> tuple[str, ...]:
    extra = getattr(row, "categories", None)  # multi-label reports, when stored
    values = [row.category, *(extra or [])]
    return tuple(dict.fromkeys(value for value in values if value))


def _case_row(keyring: Keyring, found: Any, now: datetime) -> CaseRow:
    return CaseRow(report=open_report(keyring, found), **_case_row_columns(found, now))


def _case_row_columns(found: Any, now: datetime) -> dict[str, Any]:
    return {
        "categories": categories_of(found),
        "alert_id": found.alert_id,
        "cluster_size": found.cluster_size or 1,
        "alert_state": found.alert_state,
        "holder": found.assigned_to or found.acted_by,
        "unit": found.unit,
        "confidential": bool(found.confidential),
        "age": now - (aware(found.created_at) or now),
    }


async def read_page(
    engine: AsyncEngine,
    keyring: Keyring,
    case_filter: CaseFilter,
    role: str,
    now: datetime,
    *,
    description: bool = False,
) -> CasePage:
    """One page of the list; `description` (the API's JSON) also decrypts each row's
    description, which the HTML list does not show."""
    query = _LIST_BASE[sees_confidential(role), description]
    result, cursor = await _one_page(engine, query, case_filter, role, now)
    return CasePage([_case_row(keyring, found, now) for found in result], cursor)


async def read_lines(
    engine: AsyncEngine, case_filter: CaseFilter, role: str, now: datetime
) -> tuple[list[Any], Cursor | None]:
    """One page of the HTML list as rows of `LINE_COLUMNS` and the incident's columns (the
    perpetrator's words still sealed: `staff.rowcells` opens them), and the next cursor."""
    return await _one_page(engine, _LINES_BASE[sees_confidential(role)], case_filter, role, now)


async def _one_page(
    engine: AsyncEngine, query: Select, case_filter: CaseFilter, role: str, now: datetime
) -> tuple[list[Any], Cursor | None]:
    query = one_page(query.where(*conditions(case_filter, role, now)), case_filter)
    async with reader(engine).connect() as connection:
        result = (await connection.execute(query)).all()
    more = len(result) > case_filter.limit
    result = result[: case_filter.limit]
    last = result[-1] if result else None
    cursor = Cursor(aware(last.created_at) or now, last.id) if more and last else None
    return result, cursor


def age_text(age: timedelta, _: Any) -> str:
    """ "3 d", "5 h", "12 min": time since the report was received."""
    minutes = int(age.total_seconds() // 60)
    if minutes >= 2 * 24 * 60:
        return _("{count} d", count=minutes // (24 * 60))
    if minutes >= 120:
        return _("{count} h", count=minutes // 60)
    return _("{count} min", count=max(minutes, 0))


async def visible_case(
    engine: AsyncEngine, keyring: Keyring, reference: str, role: str, now: datetime
) -> CaseRow | None:
    """The case `reference` if `role` may see it, else None (the page then answers 404).
    Nothing sealed is decrypted here: the case page reads the report through the store,
    which audits that read."""
    found = await visible_report_row(engine, reference, role, sealed=False)
    return None if found is None else _case_row(keyring, found, now)


async def visible_report_row(
    engine: AsyncEngine, reference: str, role: str, *, sealed: bool = True
) -> Any | None:
    """The row of case `reference` (its report's columns, `sealed` ones still sealed, and its
    incident's) if `role` may see it, else None. Decrypting is the caller's, after it has
    audited the read."""
    query = _ONE_CASE[sees_confidential(role), sealed]
    async with reader(engine).connect() as connection:
        result = await connection.execute(query, {"reference": reference.upper()})
        return result.first()


def case_row_of(keyring: Keyring, found: Any, now: datetime, view: ReportView) -> CaseRow:
    """The case's line, around a view of its report already opened (and audited)."""
    row = _case_row_columns(found, now)
    return CaseRow(report=view, **row)
