"""What the schema is and what an upgrade did, in words an operator can read.

`tocsin db upgrade` says what it created or migrated (an empty database is not "up to date":
it was just built), `tocsin db current` which revision a database is at, and `tocsin db
history` the revisions in order, newest first.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect

from reports.database import _alembic_config, create_engine, upgrade_schema_sync


@dataclass(frozen=True)
class SchemaState:
    revisions: tuple[str, ...]  # the rows of alembic_version (one, in a linear history)
    tables: frozenset[str]


@dataclass(frozen=True)
class Revision:
    revision: str
    down_revision: tuple[str, ...]
    title: str  # the first line of the migration's docstring


def _state(connection: Any) -> SchemaState:
    from alembic.runtime.migration import MigrationContext

    revisions = MigrationContext.configure(connection).get_current_heads()
    tables = frozenset(inspect(connection).get_table_names()) - {"alembic_version"}
    return SchemaState(tuple(sorted(revisions)), tables)


async def read_state(url: str) -> SchemaState:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_state)
    finally:
        await engine.dispose()


def read_state_sync(url: str) -> SchemaState:
    return asyncio.run(read_state(url))


def history() -> list[Revision]:
    """The packaged revisions, newest first."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    revisions = []
    for script in scripts.walk_revisions():
        down = script.down_revision
        downs = tuple(down) if isinstance(down, tuple | list) else ((down,) if down else ())
        title = (script.doc or "").strip().splitlines()[0] if script.doc else ""
        revisions.append(Revision(script.revision, downs, title))
    return revisions


def head() -> str:
    """The newest revision; the history is linear, so there is one."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(_alembic_config("sqlite://")).get_heads()
    return ", ".join(sorted(heads))


def upgrade_and_describe(url: str) -> str:
    """Upgrade the schema and say what happened, in one line."""
    before = read_state_sync(url)
    upgrade_schema_sync(url)
    after = read_state_sync(url)
    at = ", ".join(after.revisions) or "-"
    created = sorted(after.tables - before.tables)
    if not before.revisions:
        return f"created the schema at revision {at}: {len(created)} tables ({', '.join(created)})"
    if before.revisions != after.revisions:
        was = ", ".join(before.revisions)
        new = f"; new tables: {', '.join(created)}" if created else ""
        return f"migrated the schema from revision {was} to {at}{new}"
    return f"schema is up to date (revision {at})"
