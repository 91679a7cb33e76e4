"""`tocsin db upgrade`: create or migrate the schema."""

from __future__ import annotations

import argparse

from sqlalchemy.exc import SQLAlchemyError

from reports.database import upgrade_schema_sync
from tocsin.settings import Settings, SettingsError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="database schema")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION")
    actions.required = True
    upgrade = actions.add_parser("upgrade", help="create or migrate the schema to the newest")
    upgrade.set_defaults(handler=run_upgrade)


def run_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    try:
        upgrade_schema_sync(settings.database_url)
    except (OSError, SQLAlchemyError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SettingsError(f"TOCSIN_DATABASE_URL: cannot migrate ({first_line})") from None
    print("schema is up to date")
    return 0
