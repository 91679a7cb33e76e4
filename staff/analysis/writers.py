"""Streaming writers: export records in, bytes out, in constant memory.

Each writer takes an async iterator of records and yields chunks of the file as they are
ready, so a response can be sent while the database is still being read. CSV and XLSX cells
that a spreadsheet would run as a formula are written as text; the XLSX workbook is built in
openpyxl's write-only mode (rows go straight to a temporary file, strings inline), off the
event loop, and sent once it is closed.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import tempfile
from collections.abc import AsyncIterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from staff.analysis.columns import Column, flatten

ROWS_PER_CHUNK = 500
FILE_CHUNK_BYTES = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: Any) -> Any:
    """A CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe
    (OWASP's advice against formula injection); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


async def csv_chunks(
    records: AsyncIterator[dict[str, Any]], columns: Sequence[Column], *, hxl: bool = False
) -> AsyncIterator[bytes]:
    """CSV with a header row of field names and, with `hxl`, a second row of hashtags."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    if hxl:
        writer.writerow([column.hxl for column in columns])
    pending = 0
    async for record in records:
        writer.writerow([text_cell(value) for value in flatten(record, columns)])
        pending += 1
        if pending >= ROWS_PER_CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def valid_point(record: dict[str, Any]) -> bool:
    lat, lon = record.get("lat"), record.get("lon")
    return (
        isinstance(lat, int | float)
        and isinstance(lon, int | float)
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    )


async def geojson_chunks(
    records: AsyncIterator[dict[str, Any]], fields: frozenset[str]
) -> AsyncIterator[bytes]:
    """A FeatureCollection of Points; reports without coordinates are left out (they
    have no point to draw), every property is a field of the reader's record. Features are
    encoded a chunk at a time (one `json.dumps` per few hundred features, not per feature)."""
    yield b'{"type":"FeatureCollection","features":['
    features: list[dict[str, Any]] = []
    first = True
    async for record in records:
        if not valid_point(record):
            continue
        features.append(
            {
                "type": "Feature",
                "id": record["reference"],
                "geometry": {"type": "Point", "coordinates": [record["lon"], record["lat"]]},
                "properties": {key: value for key, value in record.items() if key in fields},
            }
        )
        if len(features) >= ROWS_PER_CHUNK:
            yield _features_text(features, first)
            features.clear()
            first = False
    yield (_features_text(features, first) if features else b"") + b"]}"


def _features_text(features: list[dict[str, Any]], first: bool) -> bytes:
    """Features as the continuation of the collection's array (a comma before all but the
    first chunk)."""
    text = json.dumps(features, ensure_ascii=False)[1:-1]
    return (text if first else "," + text).encode("utf-8")


class _XlsxSheet:
    """One write-only worksheet; every call runs in a worker thread, one at a time."""

    def __init__(self, columns: Sequence[Column], hxl: bool) -> None:
        self.columns = columns
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet("reports")
        bold = Font(bold=True)
        header = []
        for column in columns:
            cell = WriteOnlyCell(self.sheet, value=column.name)
            cell.font = bold
            header.append(cell)
        self.sheet.append(header)
        if hxl:
            self.sheet.append([self._cell(column.hxl) for column in columns])

    def _cell(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):  # openpyxl would store it as a formula
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    def append(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            self.sheet.append([self._cell(v) for v in flatten(record, self.columns)])

    def save(self, target: Any) -> None:
        self.workbook.save(target)
        target.seek(0)


async def xlsx_chunks(
    records: AsyncIterator[dict[str, Any]], columns: Sequence[Column], *, hxl: bool = False
) -> AsyncIterator[bytes]:
    """An XLSX workbook of one sheet, written row by row to disk, then sent in chunks."""
    sheet = await asyncio.to_thread(_XlsxSheet, columns, hxl)
    batch: list[dict[str, Any]] = []
    async for record in records:
        batch.append(record)
        if len(batch) >= ROWS_PER_CHUNK:
            await asyncio.to_thread(sheet.append, batch)
            batch = []
    await asyncio.to_thread(sheet.append, batch)
    with tempfile.TemporaryFile() as target:
        await asyncio.to_thread(sheet.save, target)
        while chunk := await asyncio.to_thread(target.read, FILE_CHUNK_BYTES):
            yield chunk
