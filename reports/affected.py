"""`report_groups` kept equal to each report's `affected_groups`, whenever a report is written.

The accountability figures count reports and people by affected group; reading the groups out
of every report's JSON took a quarter of a second over a hundred thousand reports. So each
group a report names is also a row (report, group, people), written in the same flush as the
report: when it is stored, and again whenever its groups change (an edit, an erasure, which
empties them). Registered on import (`reports.storage` imports this module).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, event, insert, inspect
from sqlalchemy.orm import Mapper

from reports.models import Report, ReportGroup

NAME_LENGTH = 64


def people_of(count: Any) -> int | None:
    """A whole number of people, or None (a group named without a count)."""
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def group_rows(report_id: int, groups: Any) -> list[dict[str, Any]]:
    """The `report_groups` rows of one report's `affected_groups` mapping."""
    if not isinstance(groups, dict):
        return []
    named = {str(name)[:NAME_LENGTH]: people_of(count) for name, count in groups.items()}
    return [{"report_id": report_id, "name": name, "people": n} for name, n in named.items()]


def _write(connection: Connection, report: Report) -> None:
    rows = group_rows(report.id, report.affected_groups)
    if rows:
        connection.execute(insert(ReportGroup), rows)


@event.listens_for(Report, "after_insert")
def _stored(_mapper: Mapper[Any], connection: Connection, report: Report) -> None:
    _write(connection, report)


@event.listens_for(Report, "after_update")
def _changed(_mapper: Mapper[Any], connection: Connection, report: Report) -> None:
    if not inspect(report).attrs.affected_groups.history.has_changes():
        return
    connection.execute(delete(ReportGroup).where(ReportGroup.report_id == report.id))
    _write(connection, report)
