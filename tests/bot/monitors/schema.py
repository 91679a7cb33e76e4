"""Both storage backends for monitor tests, with SQLite copied from a schema migrated once.

Migrating a fresh SQLite file for each test costs most of a test's time; a copy of one
migrated file gives the same empty schema in a millisecond. PostgreSQL keeps the shared
database of the run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reports.database import upgrade_schema_sync


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The schema migrated once; each test gets a copy instead of migrating again."""
    path = tmp_path_factory.mktemp("schema") / "tocsin.db"
    upgrade_schema_sync(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite: Path) -> str:
    """Both storage backends, as everywhere; SQLite from a migrated copy to keep tests fast."""
    if request.param == "sqlite":
        target = tmp_path / "tocsin.db"
        shutil.copyfile(migrated_sqlite, target)
        return f"sqlite+aiosqlite:///{target}"
    return request.getfixturevalue("postgres_url")
