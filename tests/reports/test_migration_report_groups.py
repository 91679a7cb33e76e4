"""Migration 1200 writes the affected groups of existing reports as `report_groups` rows, on
SQLite and on PostgreSQL: a counted group with its count, a group named without a count (or
with something that is not a whole number) with none, a report naming no group with no row."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from pathlib import Path

import asyncpg

from reports.database import upgrade_schema_sync
from tests.servers import POSTGRES_ADMIN_URL, require

REPORT = (
    "INSERT INTO reports (id, reference, channel, reporter_pseudonym, reporter_role, language,"
    " category, affected_groups, severity, consent_followup, status, erased, created_at,"
    " updated_at) VALUES ({}, {}, 'telegram', 'p', 'community', 'fr', 'killing', {}, 'low',"
    " {}, 'triaged', {}, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
)
GROUPS = {
    7: '{"women": 2, "children": null, "men": 1}',
    8: "{}",
    9: '{"minority": "several", "elderly": 1.5}',
}
EXPECTED = [
    (7, "children", None),
    (7, "men", 1),
    (7, "women", 2),
    (9, "elderly", None),
    (9, "minority", None),
]
SELECT = "SELECT report_id, name, people FROM report_groups ORDER BY report_id, name"


def test_sqlite_reports_get_their_group_rows(tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade_schema_sync(url, "1100")
    with sqlite3.connect(path) as db:
        for number, groups in GROUPS.items():
            db.execute(REPORT.format("?", "?", "?", 1, 0), (number, f"TX-0000-000{number}", groups))
    upgrade_schema_sync(url, "heads")
    with sqlite3.connect(path) as db:
        assert db.execute(SELECT).fetchall() == EXPECTED


def test_postgresql_reports_get_their_group_rows() -> None:
    require(POSTGRES_ADMIN_URL, "PostgreSQL")
    name = f"tocsin_test_1200_{uuid.uuid4().hex[:8]}"
    admin = POSTGRES_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    async def run(dsn: str, *statements: str) -> list[tuple]:
        connection = await asyncpg.connect(dsn)
        try:
            for statement in statements[:-1]:
                await connection.execute(statement)
            return [tuple(row) for row in await connection.fetch(statements[-1])]
        finally:
            await connection.close()

    asyncio.run(run(admin, f'CREATE DATABASE "{name}"'))
    try:
        upgrade_schema_sync(url, "1100")
        database = admin.rsplit("/", 1)[0] + f"/{name}"
        inserts = [
            REPORT.format(number, f"'TX-0000-000{number}'", f"'{groups}'", "true", "false")
            for number, groups in GROUPS.items()
        ]
        asyncio.run(run(database, *inserts, "SELECT 1"))
        upgrade_schema_sync(url, "heads")
        assert asyncio.run(run(database, SELECT)) == EXPECTED
    finally:
        asyncio.run(run(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
