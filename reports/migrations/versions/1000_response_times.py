"""When staff first acted on each report and when its reporter first heard back, stored on the
report (written as they happen from now on), backfilled from the audit log, the delivered
notices and the relayed staff questions.

Revision ID: 1000
Revises: 0950
"""

import sqlalchemy as sa
from alembic import op

revision = "1000"
down_revision = "0950"
branch_labels = None
depends_on = None

# What the accountability figures counted before: the first status change by staff ...
FIRST_ACK = """
    SELECT min(a.at) FROM audit_log a
    WHERE a.report_id = reports.id AND a.actor <> 'reporter'
      AND a.action IN ('status', 'acknowledged', 'assigned', 'verified', 'dismissed')
"""
# ... and the first delivered status notice or relayed question to its reporter.
FIRST_NOTICE = """
    SELECT min(t.at) FROM (
        SELECT d.sent_at AS at FROM escalation_deliveries d
        WHERE d.purpose = 'notice' AND d.state = 'sent'
          AND d.target = 'reporter:' || CAST(reports.id AS VARCHAR(20))
        UNION ALL
        SELECT q.asked_at AS at FROM escalation_questions q
        WHERE q.report_id = reports.id AND q.asked_at IS NOT NULL
    ) t
"""
# PostgreSQL: grouped once and joined, rather than a correlated subquery per report.
PG_BACKFILL = """
    UPDATE reports r SET first_ack_at = f.ack, first_notice_at = f.notice
    FROM (
        SELECT r2.id, a.at AS ack, LEAST(n.at, q.at) AS notice
        FROM reports r2
        LEFT JOIN (SELECT report_id, min(at) AS at FROM audit_log
                   WHERE report_id IS NOT NULL AND actor <> 'reporter'
                     AND action IN ('status', 'acknowledged', 'assigned', 'verified',
                                    'dismissed')
                   GROUP BY report_id) a
               ON a.report_id = r2.id
        LEFT JOIN (SELECT target, min(sent_at) AS at FROM escalation_deliveries
                   WHERE purpose = 'notice' AND state = 'sent' GROUP BY target) n
               ON n.target = 'reporter:' || r2.id::text
        LEFT JOIN (SELECT report_id, min(asked_at) AS at FROM escalation_questions
                   WHERE asked_at IS NOT NULL GROUP BY report_id) q
               ON q.report_id = r2.id
    ) f
    WHERE r.id = f.id AND (f.ack IS NOT NULL OR f.notice IS NOT NULL)
"""


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("first_ack_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("first_notice_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_BACKFILL)
    else:
        op.execute(
            f"UPDATE reports SET first_ack_at = ({FIRST_ACK}), first_notice_at = ({FIRST_NOTICE})"
        )


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("first_notice_at")
        batch.drop_column("first_ack_at")
