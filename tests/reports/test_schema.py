"""The schema's history is one line, and an upgrade says what it did."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reports import schema
from reports.database import upgrade_schema_sync


def _versions(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]


def test_the_migrations_form_one_line_with_one_head() -> None:
    revisions = schema.history()
    assert schema.head() == revisions[0].revision, "one head"
    merge = next(revision for revision in revisions if revision.revision == "0500")
    assert merge.down_revision == ("0002", "0100", "0300", "0400")
    later = revisions[: revisions.index(merge)]
    assert all(len(revision.down_revision) == 1 for revision in later), "linear after 0500"


def test_an_empty_database_is_created_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "tocsin.db"
    url = f"sqlite+aiosqlite:///{path}"
    said = schema.upgrade_and_describe(url)
    assert said.startswith(f"created the schema at revision {schema.head()}: ")
    assert "reports" in said and "escalation_alerts" in said
    assert _versions(path) == [schema.head()], "alembic_version holds one row"
    assert schema.upgrade_and_describe(url) == f"schema is up to date (revision {schema.head()})"


def test_a_database_on_the_four_old_heads_is_migrated_to_one(tmp_path: Path) -> None:
    path = tmp_path / "tocsin.db"
    url = f"sqlite+aiosqlite:///{path}"
    for branch in ("0002", "0100", "0300", "0400"):
        upgrade_schema_sync(url, branch)
    assert len(_versions(path)) == 4
    said = schema.upgrade_and_describe(url)
    assert said.startswith("migrated the schema from revision 0002, 0100, 0300, 0400 to ")
    assert _versions(path) == [schema.head()]
