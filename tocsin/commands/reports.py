"""`tocsin reports list [--json]`: stored reports, decrypted for the operator, newest first.

Every listing is written to the audit log under the operator's login name.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json

from reports.database import create_engine, upgrade_schema
from reports.records import ReportView
from reports.storage import ReportStore
from tocsin.app import load_keyring
from tocsin.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("reports", help="stored reports")
    actions = parser.add_subparsers(dest="reports_action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="list reports, newest first")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.add_argument("--limit", type=int, default=100, help="at most this many (100)")
    listing.set_defaults(handler=run_list)


def _line(view: ReportView) -> str:
    place = view.place or "-"
    if view.lat is not None and view.lon is not None:
        place += f" ({view.lat:.4f},{view.lon:.4f})"
    erased = " [erased]" if view.erased else ""
    return (
        f"{view.reference}  {view.created_at:%Y-%m-%d %H:%M}  {view.category:<28} "
        f"{view.severity:<8} {view.status:<18} {view.country or '--'}  {place}{erased}"
    )


async def _list(settings: Settings, limit: int) -> list[ReportView]:
    await upgrade_schema(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        store = ReportStore(engine, load_keyring(settings))
        return await store.list_reports(actor=f"cli:{getpass.getuser()}", limit=limit)
    finally:
        await engine.dispose()


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    views = asyncio.run(_list(settings, args.limit))
    if args.json:
        print(json.dumps([view.to_json() for view in views], ensure_ascii=False, indent=2))
    elif not views:
        print("no reports")
    else:
        for view in views:
            print(_line(view))
    return 0
