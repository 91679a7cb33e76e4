"""WhatsApp: outbound message statuses (sealed request kept until delivered) and windows.

Revision ID: 0300
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0300"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_outbound",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("wamid", sa.String(length=128), nullable=True),
        sa.Column("pseudonym", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_rank", sa.SmallInteger(), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body_enc", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_outbound")),
        sa.UniqueConstraint("wamid", name=op.f("uq_whatsapp_outbound_wamid")),
    )
    op.create_index(
        "ix_whatsapp_outbound_due", "whatsapp_outbound", ["status", "next_attempt_at"]
    )
    op.create_table(
        "whatsapp_windows",
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pseudonym", name=op.f("pk_whatsapp_windows")),
    )


def downgrade() -> None:
    op.drop_table("whatsapp_windows")
    op.drop_index("ix_whatsapp_outbound_due", table_name="whatsapp_outbound")
    op.drop_table("whatsapp_outbound")
