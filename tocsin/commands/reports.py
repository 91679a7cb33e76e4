"""`tocsin reports list [--json]`: stored reports, decrypted for the operator, newest first.
`tocsin reports import FILE --monitor ID`: a monitor's CSV or XLSX file of reports.

Every listing is written to the audit log under the operator's login name. An import files
the rows as the monitor's own reports, row by row, exactly as a file sent in the chat would.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.monitors.bulk import ImportResult, TableError, import_table, table_kind
from bot.monitors.reading import Reporter
from bot.monitors.replies import row_line
from locales.i18n import Translator
from reports.clock import aware
from reports.database import create_engine, upgrade_schema
from reports.monitors import MonitorStore
from reports.records import ReportView
from reports.storage import ReportStore
from tocsin.app import build_nlu, load_keyring
from tocsin.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("reports", help="stored reports")
    actions = parser.add_subparsers(dest="reports_action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="list reports, newest first")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.add_argument(
        "--limit", type=int, default=100, help="at most this many, newest first (100; 0 for all)"
    )
    listing.set_defaults(handler=run_list)
    importing = actions.add_parser("import", help="file a monitor's CSV or XLSX of reports")
    importing.add_argument("file", type=Path, help="a .csv or .xlsx file, template keys as columns")
    importing.add_argument("--monitor", type=int, required=True, help="the monitor's id")
    importing.add_argument("--lang", help="language of the file's free text (the default one)")
    importing.add_argument("--json", action="store_true", help="print a JSON object")
    importing.set_defaults(handler=run_import)


COLUMNS = (
    f"{'reference':<12}  {'created (UTC)':<16}  {'category':<28} "
    f"{'severity':<8} {'status':<18} {'cc'}  place"
)


def _place(view: ReportView) -> str:
    """The mapped place and its point, or what the person typed when the map did not know it."""
    place = view.place or ""
    if view.lat is not None and view.lon is not None:
        place += f" ({view.lat:.4f},{view.lon:.4f})"
    if view.location_text and view.location_text != view.place:
        typed = f'"{view.location_text}"' + ("" if place else " (not on the map)")
        place = f"{place} {typed}".strip()
    return place or "-"


def _line(view: ReportView) -> str:
    created = aware(view.created_at) or view.created_at
    erased = " [erased]" if view.erased else ""
    return (
        f"{view.reference:<12}  {created.astimezone(UTC):%Y-%m-%d %H:%M}  {view.category:<28} "
        f"{view.severity:<8} {view.status:<18} {view.country or '--'}  {_place(view)}{erased}"
    )


async def _list(settings: Settings, limit: int) -> tuple[list[ReportView], int]:
    await upgrade_schema(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        store = ReportStore(engine, load_keyring(settings))
        views = await store.list_reports(actor=f"cli:{getpass.getuser()}", limit=limit or None)
        return views, await store.count_reports()
    finally:
        await engine.dispose()


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    if args.limit < 0:
        print("tocsin: --limit must be 0 (all) or more", file=sys.stderr)
        return 2
    views, total = asyncio.run(_list(settings, args.limit))
    if args.json:
        print(json.dumps([view.to_json() for view in views], ensure_ascii=False, indent=2))
    elif not views:
        print("no reports")
    else:
        print(COLUMNS)
        for view in views:
            print(_line(view))
    if len(views) < total:
        # on stderr, so the JSON on stdout stays a plain array
        print(f"{len(views):,} of {total:,}; --limit 0 for all", file=sys.stderr)
    return 0


class ImportRefused(Exception):
    """The import cannot start: no such monitor, or a file that is not a table."""


async def _import(settings: Settings, args: argparse.Namespace, language: str) -> ImportResult:
    kind = table_kind(args.file.name, None)
    if kind is None or not args.file.is_file():
        raise ImportRefused(f"{args.file} is not a .csv or .xlsx file")
    await upgrade_schema(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        keyring = load_keyring(settings)
        monitor = await MonitorStore(engine, keyring).get(args.monitor)
        if monitor is None or not monitor.active:
            raise ImportRefused(f"no active monitor {args.monitor} (see `tocsin monitors list`)")
        return await import_table(
            args.file.read_bytes(),
            kind,
            nlu=build_nlu(settings),
            store=ReportStore(engine, keyring),
            reporter=Reporter("import", monitor.pseudonym, monitor.organisation),
            language=language,
            now=datetime.now(UTC),
            show_progress=True,
        )
    finally:
        await engine.dispose()


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when every row was stored, 1 when some were not, 2 when none could be read."""
    language = args.lang or settings.default_language
    _ = Translator(language)
    try:
        result = asyncio.run(_import(settings, args, language))
    except ImportRefused as error:
        print(f"tocsin: {error}", file=sys.stderr)
        return 2
    except TableError as error:
        print(f"tocsin: {_(error.message, **error.values)}", file=sys.stderr)
        return 2
    if args.json:
        output = {
            "stored": [{"row": row, "reference": view.reference} for row, view in result.stored],
            "skipped": result.skipped,
            "refused": [
                {"row": row, "faults": [_(fault.message, **fault.values) for fault in faults]}
                for row, faults in result.refused
            ],
        }
        print(json.dumps(output, ensure_ascii=False, indent=2))
    else:
        print("\n".join(terminal_summary(result, _)))
    return 1 if result.refused else 0


def terminal_summary(result: ImportResult, _: Translator) -> list[str]:
    """Each stored row's reference, each refusal's reason, then one line of counts."""
    lines = [
        _("row {row}: {reference}", row=row, reference=view.reference)
        for row, view in result.stored
    ]
    lines.extend(row_line(fault, _) for _row, faults in result.refused for fault in faults)
    refused_rows = ", ".join(str(row) for row, _faults in result.refused)
    lines.append(
        _(
            "imported {stored}, skipped {skipped} already imported, {refused} refused",
            stored=len(result.stored),
            skipped=len(result.skipped),
            refused=len(result.refused),
        )
        + (" " + _("(rows {rows})", rows=refused_rows) if refused_rows else "")
    )
    return lines
