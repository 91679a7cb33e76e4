"""`tocsin db upgrade | current | history`: create or migrate the schema, and say where it is."""

from __future__ import annotations

import argparse

from sqlalchemy.exc import SQLAlchemyError

from reports import schema
from tocsin.settings import Settings, SettingsError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "db",
        help="create, migrate or inspect the database schema",
        description="Create, migrate or inspect the schema of TOCSIN_DATABASE_URL.",
    )
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION")
    actions.required = True
    upgrade = actions.add_parser(
        "upgrade",
        help="create the schema, or migrate it to the newest revision",
        description="Create the schema on an empty database, or migrate it to the newest "
        "revision; says which tables were created.",
    )
    upgrade.set_defaults(handler=run_upgrade)
    current = actions.add_parser(
        "current",
        help="print the revision the database is at",
        description="Print the revision the database is at, and the newest one available.",
    )
    current.set_defaults(handler=run_current)
    history = actions.add_parser(
        "history",
        help="list the schema revisions, newest first",
        description="List the packaged schema revisions, newest first, with what each adds.",
    )
    history.set_defaults(handler=run_history)


def _database_error(error: Exception, doing: str) -> SettingsError:
    first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
    return SettingsError(f"TOCSIN_DATABASE_URL: cannot {doing} ({first_line})")


def run_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    try:
        print(schema.upgrade_and_describe(settings.database_url))
    except (OSError, SQLAlchemyError) as error:
        raise _database_error(error, "migrate") from None
    return 0


def run_current(args: argparse.Namespace, settings: Settings) -> int:
    try:
        state = schema.read_state_sync(settings.database_url)
    except (OSError, SQLAlchemyError) as error:
        raise _database_error(error, "read the schema") from None
    newest = schema.head()
    if not state.revisions:
        print(f"no schema yet (newest revision {newest}); run `tocsin db upgrade`")
        return 0
    at = ", ".join(state.revisions)
    print(f"{at} (newest)" if at == newest else f"{at} (newest is {newest}; tocsin db upgrade)")
    return 0


def run_history(args: argparse.Namespace, settings: Settings) -> int:
    for revision in schema.history():
        down = ", ".join(revision.down_revision) or "-"
        print(f"{revision.revision} <- {down}  {revision.title}")
    return 0
