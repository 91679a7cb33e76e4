"""Many reports at once: a CSV or XLSX file whose columns are the template's keys.

Unlike a template message, a file is taken row by row: after a field trip a monitor should not
lose 199 good rows to one typo, and the reply says which rows were stored and why the others
were not. The file as a whole must still make sense (known columns, `what` and `where` present)
or nothing is read. The same code serves a document sent in the chat and
`tocsin reports import FILE --monitor ID`.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import zipfile
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.monitors.reading import Reporter, read_report
from bot.monitors.template import Fault, FieldText, RawReport, excerpt
from bot.monitors.words import REQUIRED_KEYS, display_key, key_of, languages_of_key
from locales.i18n import N_
from nlu import Nlu
from nlu.progress import SILENT, Progress, bar
from reports.crypto import Keyring
from reports.records import ReportDraft, ReportView
from reports.storage import AlreadyImported, ReportStore

log = logging.getLogger(__name__)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMES = frozenset({"text/csv", "application/csv", "text/comma-separated-values"})
MAX_ROWS = 5000
STORE_CONCURRENCY = 8  # below the engine's pool of 10 connections


class TableError(Exception):
    """The file as a whole cannot be taken; `message` is a msgid with `{names}`."""

    def __init__(self, message: str, values: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.values = dict(values or {})


@dataclass
class ImportResult:
    """Which rows (numbered as in a spreadsheet, header = 1) were stored, which were not."""

    stored: list[tuple[int, ReportView]] = field(default_factory=list)
    refused: list[tuple[int, list[Fault]]] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # filed by an earlier import, or repeated

    @property
    def total(self) -> int:
        return len(self.stored) + len(self.refused) + len(self.skipped)


def table_kind(file_name: str | None, mime_type: str | None) -> str | None:
    """ "csv" or "xlsx" for a file that is one, by name first then by announced type."""
    name = (file_name or "").lower()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    mime = (mime_type or "").split(";")[0].strip().lower()
    if mime == XLSX_MIME:
        return "xlsx"
    if mime in CSV_MIMES:
        return "csv"
    return None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise TableError(N_("This file cannot be read as a CSV or Excel table.")) from error
    try:
        sheet = book.worksheets[0]
        return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_table(content: bytes, kind: str) -> list[list[str]]:
    """The rows of the file's first sheet as text, header first."""
    try:
        rows = _xlsx_rows(content) if kind == "xlsx" else _csv_rows(content)
    except csv.Error as error:
        raise TableError(N_("This file cannot be read as a CSV or Excel table.")) from error
    rows = [row for row in rows if any(cell for cell in row)]
    if len(rows) < 2:
        raise TableError(N_("This file has no rows under its header."))
    if len(rows) - 1 > MAX_ROWS:
        raise TableError(
            N_("This file has more than {limit} rows; please split it."), {"limit": MAX_ROWS}
        )
    return rows


def _columns(header: list[str]) -> tuple[list[str | None], list[str]]:
    """The field key of each column (None for an empty header cell) and the header's words."""
    keys: list[str | None] = []
    unknown: list[str] = []
    for word in header:
        if not word:
            keys.append(None)
            continue
        known = key_of(word)
        if known is None:
            unknown.append(word)
        elif known[0] in keys:
            raise TableError(N_("The column “{column}” appears twice."), {"column": word})
        keys.append(known[0] if known else None)
    if unknown:
        raise TableError(
            N_(
                "These columns are not keys of the template: {columns}. Name the columns "
                "with the keys of /template."
            ),
            {"columns": ", ".join(unknown)},
        )
    return keys, header


def rows_to_reports(rows: list[list[str]], language: str) -> list[RawReport]:
    """One RawReport per row under the header, numbered as the spreadsheet numbers rows."""
    keys, header = _columns(rows[0])
    missing = [key for key in REQUIRED_KEYS if key not in keys]
    if missing:
        raise TableError(
            N_("The file needs the columns {columns}."),
            {"columns": ", ".join(display_key(key, language) for key in missing)},
        )
    reports = []
    for number, row in enumerate(rows[1:], start=2):
        report = RawReport(number=number, first_line=number)
        for word in header:
            for each in languages_of_key(word):
                report.votes[each] += 1
        for key, word, value in zip(keys, header, row, strict=False):
            if key is not None and value:
                report.fields[key] = FieldText(
                    key, word, number, excerpt(f"{word}: {value}"), value
                )
        for key in REQUIRED_KEYS:
            if key not in report.fields:
                word = header[keys.index(key)]
                report.faults.append(
                    Fault(number, "", N_("the “{key}” cell is empty"), {"key": word})
                )
        reports.append(report)
    return reports


async def import_table(
    content: bytes,
    kind: str,
    *,
    nlu: Nlu,
    store: ReportStore,
    reporter: Reporter,
    language: str,
    now: datetime,
    show_progress: bool = False,
) -> ImportResult:
    """Validate every row and store the good ones; raises TableError for a bad file.

    A row this monitor already filed (same cells, whatever their case or spacing) is skipped,
    so importing a file twice, or a file that grew since, stores only what is new.
    """
    reports = rows_to_reports(read_table(content, kind), language)
    keys = {raw.number: row_key(store.keyring, reporter.pseudonym, raw) for raw in reports}
    seen = await store.imported(list(keys.values()))
    result = ImportResult()
    good: list[tuple[int, str, ReportDraft]] = []
    with _bar(show_progress, len(reports), "reading rows") as progress:
        for raw in reports:
            progress.update()
            if keys[raw.number] in seen:
                result.skipped.append(raw.number)
                continue
            draft, faults = read_report(
                raw, nlu=nlu, language=raw.language(language), now=now, reporter=reporter
            )
            if draft is None:
                result.refused.append((raw.number, faults))
            else:
                seen.add(keys[raw.number])
                good.append((raw.number, keys[raw.number], draft))
            await asyncio.sleep(0)  # a large file must not stall everyone else's messages
    with _bar(show_progress, len(good), "storing reports") as progress:
        await _store_all(store, good, result, progress)
    log.info(
        "monitor import kind=%s stored=%d skipped=%d refused=%d",
        kind,
        len(result.stored),
        len(result.skipped),
        len(result.refused),
    )
    return result


def row_key(keyring: Keyring, pseudonym: str, raw: RawReport) -> str:
    """A keyed hash of who filed the row and its cells, blind to case and spacing."""
    cells = "\x1e".join(
        f"{key}\x1f{' '.join(text.value.split()).casefold()}"
        for key, text in sorted(raw.fields.items())
    )
    return keyring.hash_secret(f"import-row\x00{pseudonym}\x00{cells}")


def _bar(shown: bool, total: int, description: str) -> AbstractContextManager[Progress]:
    """A bar on the operator's terminal (`tocsin reports import`), none in a chat."""
    return bar(total, description) if shown else nullcontext(SILENT)


async def _store_all(
    store: ReportStore,
    drafts: list[tuple[int, str, ReportDraft]],
    result: ImportResult,
    progress: Progress,
) -> None:
    """Each row in its own transaction, a few at a time so the database's waits overlap."""
    gate = asyncio.Semaphore(STORE_CONCURRENCY)

    async def store_one(row: int, key: str, draft: ReportDraft) -> tuple[int, ReportView | None]:
        async with gate:
            try:
                return row, await store.submit(draft, row_key=key)
            except AlreadyImported:
                return row, None
            finally:
                progress.update()

    for row, view in await asyncio.gather(*(store_one(*each) for each in drafts)):
        if view is None:
            result.skipped.append(row)
        else:
            result.stored.append((row, view))
    result.skipped.sort()
