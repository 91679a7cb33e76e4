"""Reading the reader's reports as export records, a few thousand rows at a time.

The reader's selection is the case list's query (reports joined to their incident, with the
filter and the role's confidentiality rule), read here with the columns of an export record.
Rows are streamed with a server-side cursor on PostgreSQL, so an export of a hundred thousand
reports holds one batch in memory, not all of them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, false, func
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from escalation.models import Alert
from reports.crypto import DecryptionError, Keyring
from reports.models import Report
from reports.sealing import field_context
from staff.analysis.columns import Visibility, finite, iso

log = logging.getLogger(__name__)
BATCH_ROWS = 2000

RECORD_COLUMNS = (
    Report.id,
    Report.reference,
    Report.channel,
    Report.reporter_role,
    Report.organisation,
    Report.language,
    Report.category,
    Report.category_confidence,
    Report.perpetrator,
    Report.affected_groups,
    Report.victims,
    Report.occurred_at,
    Report.occurred_precision,
    Report.lat,
    Report.lon,
    Report.place,
    Report.admin_area,
    Report.country,
    Report.location_precision,
    Report.location_source,
    Report.severity,
    Report.immediate_danger,
    Report.status,
    Report.erased,
    Report.source_reliability,
    Report.info_credibility,
    Report.created_at,
)
FREE_TEXT_COLUMNS = (Report.description_enc, Report.perpetrator_detail_enc)


@dataclass(frozen=True)
class Scope:
    """The reports one reader may see under one filter.

    `reports` is the case list's `staff.filters.base_query` (reports outer-joined to their
    incident, the filter and the role's confidentiality rule applied); only its joins and
    conditions are used here, with the columns each figure needs.
    """

    reports: Select[Any]
    visibility: Visibility

    def select(self, *columns: Any) -> Select[Any]:
        """The scope's rows with other columns (unordered, unpaged)."""
        return self.reports.with_only_columns(*columns).order_by(None).limit(None).offset(None)


def record_statement(scope: Scope) -> Select[Any]:
    """Every visible report of the scope with its incident's unit, newest first."""
    columns: list[Any] = [
        *RECORD_COLUMNS,
        Alert.supported_unit,
        func.coalesce(Alert.confidential, false()).label("confidential"),
    ]
    if scope.visibility.free_text:
        columns.extend(FREE_TEXT_COLUMNS)
    return scope.select(*columns).order_by(Report.created_at.desc(), Report.id.desc())


class RecordReader:
    """Turns result rows into export records for one reader."""

    def __init__(self, keyring: Keyring, visibility: Visibility) -> None:
        self.keyring = keyring
        self.visibility = visibility

    def _open(self, row: Any, column: str) -> str | None:
        token = getattr(row, f"{column}_enc")
        if token is None:
            return None
        try:
            return self.keyring.decrypt_text(token, context=field_context(row.reference, column))
        except DecryptionError:
            log.warning("export: sealed %s of report id=%s does not open", column, row.id)
            return None

    def record(self, row: Any) -> dict[str, Any]:
        record: dict[str, Any] = {
            "reference": row.reference,
            "created_at": iso(row.created_at),
            "occurred_at": iso(row.occurred_at),
            "occurred_precision": row.occurred_precision,
            "channel": row.channel,
            "reporter_role": row.reporter_role,
            "organisation": row.organisation,
            "language": row.language,
            "category": row.category,
            "perpetrator": row.perpetrator,
            "supported_unit": row.supported_unit,
            "victims": row.victims,
            "affected_groups": dict(row.affected_groups or {}),
            "place": row.place,
            "admin_area": row.admin_area,
            "country": row.country,
            "lat": finite(row.lat),
            "lon": finite(row.lon),
            "location_precision": row.location_precision,
            "location_source": row.location_source,
            "severity": row.severity,
            "immediate_danger": row.immediate_danger,
            "status": row.status,
            "erased": bool(row.erased),
            "source_reliability": row.source_reliability,
            "info_credibility": row.info_credibility,
        }
        if self.visibility.confidential:
            record["confidential"] = bool(row.confidential)
        if self.visibility.free_text:
            record["perpetrator_detail"] = self._open(row, "perpetrator_detail")
            record["description"] = self._open(row, "description")
        return record


async def without_jit(connection: AsyncConnection) -> None:
    """PostgreSQL: no JIT compilation for this transaction. Scans of a whole table look
    costly enough to the planner to JIT-compile them, which took seconds on a busy machine
    for queries that run in a fraction of that."""
    if connection.dialect.name == "postgresql":
        await connection.exec_driver_sql("SET LOCAL jit = off")


async def stream_records(
    engine: AsyncEngine, scope: Scope, keyring: Keyring
) -> AsyncIterator[dict[str, Any]]:
    """Every record of the scope, read in batches from a server-side cursor."""
    reader = RecordReader(keyring, scope.visibility)
    statement = record_statement(scope).execution_options(yield_per=BATCH_ROWS)
    async with engine.connect() as connection:
        await without_jit(connection)
        result = await connection.stream(statement)
        async for batch in result.partitions(BATCH_ROWS):
            for row in batch:
                yield reader.record(row)
