"""Escalation: alerts (incidents and surges), their reports, deliveries, staff questions.

Hand-written (it needs no model import): the tables of `escalation/models.py`.

Revision ID: 0100
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0001"
branch_labels = None
depends_on = None


def _tz() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "escalation_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("admin_area", sa.String(200), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("supported_unit", sa.String(64), nullable=True),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("expected_count", sa.Float(), nullable=True),
        sa.Column("first_report_id", sa.Integer(), nullable=True),
        sa.Column("surge_key", sa.String(255), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("acted_by", sa.String(64), nullable=True),
        sa.Column("acted_at", _tz(), nullable=True),
        sa.Column("assigned_to", sa.String(64), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("chain_level", sa.Integer(), nullable=False),
        sa.Column("next_escalation_at", _tz(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("updated_at", _tz(), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_report_id"],
            ["reports.id"],
            name="fk_escalation_alerts_first_report_id_reports",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_escalation_alerts"),
        sa.UniqueConstraint("surge_key", name="uq_escalation_alerts_surge_key"),
    )
    op.create_index(
        "ix_escalation_alerts_cluster", "escalation_alerts", ["kind", "category", "created_at"]
    )
    op.create_index("ix_escalation_alerts_timer", "escalation_alerts", ["next_escalation_at"])

    op.create_table(
        "escalation_alert_reports",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", _tz(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_escalation_alert_reports_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["escalation_alerts.id"],
            name="fk_escalation_alert_reports_alert_id_escalation_alerts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", name="pk_escalation_alert_reports"),
    )
    op.create_index(
        "ix_escalation_alert_reports_alert_id", "escalation_alert_reports", ["alert_id"]
    )

    op.create_table(
        "escalation_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.String(255), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("dedupe_key", sa.String(255), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", _tz(), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", _tz(), nullable=True),
        sa.Column("sent_at", _tz(), nullable=True),
        sa.Column("external_id", sa.String(255), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("created_at", _tz(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["escalation_alerts.id"],
            name="fk_escalation_deliveries_alert_id_escalation_alerts",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_escalation_deliveries"),
        sa.UniqueConstraint("dedupe_key", name="uq_escalation_deliveries_dedupe_key"),
    )
    op.create_index("ix_escalation_deliveries_alert_id", "escalation_deliveries", ["alert_id"])
    op.create_index(
        "ix_escalation_deliveries_due", "escalation_deliveries", ["state", "available_at"]
    )

    op.create_table(
        "escalation_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("asked_by", sa.String(64), nullable=False),
        sa.Column("prompt_message_id", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("asked_at", _tz(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["escalation_alerts.id"],
            name="fk_escalation_questions_alert_id_escalation_alerts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_escalation_questions_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_escalation_questions"),
    )
    op.create_index("ix_escalation_questions_report_id", "escalation_questions", ["report_id"])
    op.create_index(
        "ix_escalation_questions_prompt", "escalation_questions", ["chat_id", "prompt_message_id"]
    )


def downgrade() -> None:
    op.drop_table("escalation_questions")
    op.drop_table("escalation_deliveries")
    op.drop_table("escalation_alert_reports")
    op.drop_table("escalation_alerts")
