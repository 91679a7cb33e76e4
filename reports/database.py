"""Database engine creation and schema migration.

SQLite is the embedded default and must be as durable as PostgreSQL for what we promise
(a report acknowledged to its reporter survives a crash), so it runs in WAL mode with full
fsync and a busy timeout. Its file is created readable by its owner only (mode 600, as the
key file; SQLite gives its journal files the same mode): sealed columns aside, a row still
holds categories and places. Statement
parameters never appear in an error (`hide_parameters`): an exception that reaches a log
must not quote a message id or a pseudonym. Migrations are Alembic's, run from the packaged
scripts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_FILE_MODE = 0o600


def create_private_file(path: Path) -> None:
    """Create the database file with mode 600 before SQLite opens it (SQLite would create
    it 644); an existing file readable by others is reported, as the key file is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            log.warning(
                "database file %s is readable by others (mode %o); chmod 600 it", path, mode
            )
        return
    with contextlib.suppress(FileExistsError):  # another process created it meanwhile
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SQLITE_FILE_MODE))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


POOL_SIZE = 30
POOL_OVERFLOW = 10


def create_engine(
    url: str, *, pool_size: int | None = None, pool_overflow: int | None = None, **options: Any
) -> AsyncEngine:
    """An async engine for `url` with the durability settings of its backend. `pool_size`
    and `pool_overflow` size a PostgreSQL pool (settings `database_pool_size`/`_overflow`);
    SQLite ignores them."""
    options.setdefault("hide_parameters", True)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            create_private_file(Path(database))
        engine = create_async_engine(url, **options)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # A steady pool: opening asyncpg connections (with TLS negotiation) per burst cost more
    # than the work itself under load, and a ping on every checkout doubled round trips.
    # Connections are recycled instead, so one dropped by a server restart is short-lived.
    # Connections past `pool_size` (the overflow) are closed when returned, so a pool smaller
    # than the turns that want a connection at once opens and closes one per turn under load.
    options.setdefault("pool_size", POOL_SIZE if pool_size is None else pool_size)
    options.setdefault("max_overflow", POOL_OVERFLOW if pool_overflow is None else pool_overflow)
    options.setdefault("pool_recycle", 1800)
    return create_async_engine(url, **options)


def session_factory(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def _alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_schema_sync(url: str, revision: str = "heads") -> None:
    """Create or migrate the schema to the newest revision (blocking)."""
    from alembic import command

    command.upgrade(_alembic_config(url), revision)


async def upgrade_schema(url: str, revision: str = "heads") -> None:
    """Create or migrate the schema; Alembic runs its own event loop, so use a thread."""
    await asyncio.to_thread(upgrade_schema_sync, url, revision)
