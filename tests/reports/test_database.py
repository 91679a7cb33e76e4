"""The SQLite database file is private to its owner, as the key file is."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from reports.database import create_engine, upgrade_schema_sync


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems give a login (022): files would be readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.usefixtures("usual_umask")
async def test_a_new_database_file_and_its_journal_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "tocsin.db"
    await asyncio.to_thread(upgrade_schema_sync, f"sqlite+aiosqlite:///{path}")
    assert _mode(path) == 0o600
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as connection:
            await connection.execute(text("SELECT count(*) FROM reports"))
            wal = Path(f"{path}-wal")
            assert wal.exists() and _mode(wal) == 0o600
    finally:
        await engine.dispose()


@pytest.mark.usefixtures("usual_umask")
async def test_an_existing_database_readable_by_others_is_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tocsin.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await engine.dispose()
    assert "readable by others" in caplog.text and "chmod 600" in caplog.text
