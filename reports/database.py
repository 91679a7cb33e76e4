"""Database engine creation and schema migration.

SQLite is the embedded default and must be as durable as PostgreSQL for what we promise
(a report acknowledged to its reporter survives a crash), so it runs in WAL mode with full
fsync and a busy timeout. Statement parameters never appear in an error
(`hide_parameters`): an exception that reaches a log must not quote a message id or a
pseudonym. Migrations are Alembic's, run from the packaged scripts.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """An async engine for `url` with the durability settings of its backend."""
    options.setdefault("hide_parameters", True)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **options)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # A steady pool: opening asyncpg connections (with TLS negotiation) per burst cost more
    # than the work itself under load, and a ping on every checkout doubled round trips.
    # Connections are recycled instead, so one dropped by a server restart is short-lived.
    options.setdefault("pool_size", 20)
    options.setdefault("max_overflow", 10)
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
