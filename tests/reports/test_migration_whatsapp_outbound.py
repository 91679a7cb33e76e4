"""Migration 1100 moves WhatsApp retries to the outbound table: it refuses to run while the old
queue still holds messages (their sealed copies cannot be moved without the keys), and keeps
the delivery ledger's statuses."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reports.database import upgrade_schema_sync

ROW = (
    "INSERT INTO whatsapp_outbound (wamid, pseudonym, kind, status, status_rank, attempts,"
    " body_enc, created_at, updated_at) VALUES (?, 'p', 'reply', ?, ?, 1, ?,"
    " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
)


def test_upgrade_waits_for_the_old_queue_to_drain_and_keeps_statuses(tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade_schema_sync(url, "1000")
    with sqlite3.connect(path) as db:
        db.execute(ROW, ("wamid.A", "delivered", 4, None))
        db.execute(ROW, (None, "queued", 0, b"sealed"))
    with pytest.raises(RuntimeError, match="old retry queue"):
        upgrade_schema_sync(url, "heads")
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM whatsapp_outbound WHERE status = 'queued'")  # drained
    upgrade_schema_sync(url, "heads")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT wamid, status FROM whatsapp_outbound").fetchall() == [
            ("wamid.A", "delivered")
        ]
        columns = {row[1] for row in db.execute("PRAGMA table_info(whatsapp_outbound)")}
        assert not columns & {"attempts", "next_attempt_at", "body_enc"}
        columns = {row[1] for row in db.execute("PRAGMA table_info(outbound_messages)")}
        assert {"available_at", "external_id"} <= columns
