"""WhatsApp retries leave through the outbound table: `outbound_messages` learns when a row is
due again (`available_at`) and what the remote called the message that went out
(`external_id`, a wamid); `whatsapp_outbound` keeps only statuses (no sealed copy, no
schedule of its own).

Revision ID: 1100
Revises: 1000
"""

import sqlalchemy as sa
from alembic import op

revision = "1100"
down_revision = "1000"
branch_labels = None
depends_on = None


def upgrade() -> None:
    waiting = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT count(*) FROM whatsapp_outbound "
                "WHERE status IN ('queued', 'sending') AND body_enc IS NOT NULL"
            )
        )
        .scalar()
    )
    if waiting:
        # their sealed copies cannot be moved here (the keys are not the migration's)
        raise RuntimeError(
            f"{waiting} WhatsApp messages still wait in the old retry queue: run the previous "
            "version until `whatsapp_outbound` has no 'queued' or 'sending' rows, then upgrade"
        )
    with op.batch_alter_table("outbound_messages") as batch:
        batch.add_column(sa.Column("available_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("external_id", sa.String(length=128), nullable=True))
    op.create_index("ix_outbound_messages_due", "outbound_messages", ["status", "available_at"])
    op.create_index("ix_outbound_messages_external", "outbound_messages", ["external_id"])
    op.drop_index("ix_whatsapp_outbound_due", table_name="whatsapp_outbound")
    with op.batch_alter_table("whatsapp_outbound") as batch:
        batch.drop_column("attempts")
        batch.drop_column("next_attempt_at")
        batch.drop_column("body_enc")


def downgrade() -> None:
    with op.batch_alter_table("whatsapp_outbound") as batch:
        batch.add_column(sa.Column("body_enc", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_whatsapp_outbound_due", "whatsapp_outbound", ["status", "next_attempt_at"])
    op.drop_index("ix_outbound_messages_external", table_name="outbound_messages")
    op.drop_index("ix_outbound_messages_due", table_name="outbound_messages")
    with op.batch_alter_table("outbound_messages") as batch:
        batch.drop_column("external_id")
        batch.drop_column("available_at")
