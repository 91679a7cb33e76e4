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

# The columns of an export record, in the record's order and under its field names: a row
# becomes a record by zipping the names with the values, then a few fix-ups (dates as text,
# free text decrypted), rather than by reading 27 attributes of each row one by one.
RECORD_COLUMNS = (
    Report.reference,
    Report.created_at,
    Report.occurred_at,
    Report.occurred_precision,
    Report.channel,
    Report.reporter_role,
    Report.organisation,
    Report.language,
    Report.category,
    Report.perpetrator,
    Alert.supported_unit,
    Report.victims,
    Report.affected_groups,
    Report.place,
    Report.admin_area,
    Report.country,
    Report.lat,
    Report.lon,
    Report.location_precision,
    Report.location_source,
    Report.severity,
    Report.immediate_danger,
    Report.status,
    Report.erased,
    Report.source_reliability,
    Report.info_credibility,
)
RECORD_NAMES = tuple(column.key for column in RECORD_COLUMNS)
FREE_TEXT_COLUMNS = (Report.perpetrator_detail_enc, Report.description_enc)


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
    columns: list[Any] = [*RECORD_COLUMNS]
    if scope.visibility.confidential:
        columns.append(func.coalesce(Alert.confidential, false()).label("confidential"))
    if scope.visibility.free_text:
        columns.extend(FREE_TEXT_COLUMNS)
    return scope.select(*columns).order_by(Report.created_at.desc(), Report.id.desc())


class RecordReader:
    """Turns result rows (of `record_statement`) into export records for one reader."""

    def __init__(self, keyring: Keyring, visibility: Visibility) -> None:
        self.keyring = keyring
        self.visibility = visibility
        self.width = len(RECORD_NAMES) + (1 if visibility.confidential else 0)

    def _open(self, reference: str, column: str, token: bytes | None) -> str | None:
        if token is None:
            return None
        try:
            return self.keyring.decrypt_text(token, context=field_context(reference, column))
        except DecryptionError:
            log.warning("export: sealed %s of report %s does not open", column, reference)
            return None

    def record(self, row: Any) -> dict[str, Any]:
        values = tuple(row)
        record: dict[str, Any] = dict(zip(RECORD_NAMES, values, strict=False))
        record["created_at"] = iso(record["created_at"])
        record["occurred_at"] = iso(record["occurred_at"])
        record["affected_groups"] = dict(record["affected_groups"] or {})
        record["lat"], record["lon"] = finite(record["lat"]), finite(record["lon"])
        record["erased"] = bool(record["erased"])
        if self.visibility.confidential:
            record["confidential"] = bool(values[len(RECORD_NAMES)])
        if self.visibility.free_text:
            reference = record["reference"]
            detail, description = values[self.width :]
            record["perpetrator_detail"] = self._open(reference, "perpetrator_detail", detail)
            record["description"] = self._open(reference, "description", description)
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
