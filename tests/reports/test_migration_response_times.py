"""Migration 1000 backfills the first acknowledgement and first news of existing reports by the
rules the figures used before: the first staff status change (not the reporter's), the first
delivered notice or relayed question, whichever came first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reports.database import upgrade_schema_sync

REPORT = (
    "INSERT INTO reports (id, reference, channel, reporter_pseudonym, reporter_role, language,"
    " category, affected_groups, severity, consent_followup, status, erased, created_at,"
    " updated_at) VALUES (?, ?, 'telegram', 'p', 'community', 'fr', 'killing', '{}', 'low', 1,"
    " 'triaged', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
)
DELIVERY = (
    "INSERT INTO escalation_deliveries (target, purpose, dedupe_key, payload, state, sent_at,"
    " created_at, available_at, attempts) VALUES (?, 'notice', ?, '{}', ?, ?, ?, ?, 0)"
)


def test_existing_reports_get_their_first_acknowledgement_and_news(tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade_schema_sync(url, "0950")
    with sqlite3.connect(path) as db:
        db.execute(REPORT, (7, "TX-0000-0007"))
        db.execute(REPORT, (8, "TX-0000-0008"))
        db.executemany(
            "INSERT INTO audit_log (at, actor, action, report_id) VALUES (?, ?, ?, 7)",
            [
                ("2026-01-01 00:10:00", "reporter", "status"),
                ("2026-01-01 00:20:00", "staff:telegram:42", "status"),
                ("2026-01-01 00:30:00", "staff:web:1", "status"),
                ("2026-01-01 00:05:00", "staff:web:1", "read"),  # a read is not an action
            ],
        )
        for key, state, at in (
            ("a", "failed", "2026-01-01 01:00:00"),  # never reached the reporter
            ("b", "sent", "2026-01-01 03:00:00"),
        ):
            db.execute(DELIVERY, ("reporter:7", key, state, at, at, at))
        db.execute(
            "INSERT INTO escalation_questions (report_id, channel, chat_id, asked_by, state,"
            " created_at, asked_at) VALUES (7, 'web', 'w', 'w', 'asked', ?, ?)",
            ("2026-01-01 02:00:00", "2026-01-01 02:00:00"),
        )
    upgrade_schema_sync(url, "heads")
    with sqlite3.connect(path) as db:
        stamps = db.execute(
            "SELECT id, first_ack_at, first_notice_at FROM reports ORDER BY id"
        ).fetchall()
    assert stamps == [
        (7, "2026-01-01 00:20:00", "2026-01-01 02:00:00"),
        (8, None, None),
    ]
