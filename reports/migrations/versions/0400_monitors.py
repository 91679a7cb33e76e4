"""CSO monitors: hashed single-use invite codes, enrolled monitors, wrong-code counters.

Revision ID: 0400
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0400"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_invites")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_monitor_invites_code_hash")),
    )
    op.create_table(
        "monitors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["invite_id"],
            ["monitor_invites.id"],
            name=op.f("fk_monitors_invite_id_monitor_invites"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitors")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_monitors_pseudonym")),
    )
    op.create_table(
        "monitor_code_failures",
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("pseudonym", name=op.f("pk_monitor_code_failures")),
    )


def downgrade() -> None:
    op.drop_table("monitor_code_failures")
    op.drop_table("monitors")
    op.drop_table("monitor_invites")
