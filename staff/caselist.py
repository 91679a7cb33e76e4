"""Reading one page of the case list: the rows a role may see, the next cursor.

Shared by the HTML list, its live refresh and `GET /staff/api/reports`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from escalation.clock import aware
from reports.crypto import Keyring
from reports.database import session_factory
from reports.models import Report
from reports.records import ReportView
from reports.sealing import open_report
from staff.filters import CaseFilter, Cursor, base_query, case_query


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


def _categories(row: Any) -> tuple[str, ...]:
    extra = getattr(row, "categories", None)  # multi-label reports, when stored
    values = [row.category, *(extra or [])]
    return tuple(dict.fromkeys(value for value in values if value))


def _case_row(keyring: Keyring, found: Row[Any], now: datetime) -> CaseRow:
    """One row of the case query (a report with its incident's columns) as the page shows it."""
    return CaseRow(
        report=open_report(keyring, found.Report),
        categories=_categories(found.Report),
        alert_id=found.alert_id,
        cluster_size=found.cluster_size or 1,
        alert_state=found.alert_state,
        holder=found.assigned_to or found.acted_by,
        unit=found.unit,
        confidential=bool(found.confidential),
        age=now - (aware(found.Report.created_at) or now),
    )


async def read_page(
    engine: AsyncEngine, keyring: Keyring, case_filter: CaseFilter, role: str, now: datetime
) -> CasePage:
    query = case_query(case_filter, role, now)
    async with session_factory(engine)() as session:
        result = (await session.execute(query)).all()
    more = len(result) > case_filter.limit
    result = result[: case_filter.limit]
    rows = [_case_row(keyring, found, now) for found in result]
    last = result[-1].Report if result else None
    cursor = Cursor(aware(last.created_at) or now, last.id) if more and last else None
    return CasePage(rows, cursor)


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
    """The case `reference` if `role` may see it, else None (the page then answers 404)."""
    query = base_query(CaseFilter(), role, now).where(Report.reference == reference.upper())
    async with session_factory(engine)() as session:
        found = (await session.execute(query.limit(1))).first()
    if found is None:
        return None
    return _case_row(keyring, found, now)
