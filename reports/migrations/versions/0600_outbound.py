"""One outbound path: a turn's recorded outcome on its inbox item, and the outbound table.

Revision ID: 0600
Revises: 0500
"""

import sqlalchemy as sa
from alembic import op

revision = "0600"
down_revision = "0500"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_queue") as batch:
        batch.add_column(sa.Column("outcome_enc", sa.LargeBinary(), nullable=True))
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("recipient_key", sa.String(length=64), nullable=False),
        sa.Column("payload_enc", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_messages")),
        sa.UniqueConstraint("origin", "position", name="uq_outbound_messages_origin"),
    )
    op.create_index("ix_outbound_messages_pending", "outbound_messages", ["status", "id"])


def downgrade() -> None:
    op.drop_table("outbound_messages")
    with op.batch_alter_table("inbound_queue") as batch:
        batch.drop_column("outcome_enc")
