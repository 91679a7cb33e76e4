"""SMS: opt-outs and daily counts per pseudonym, parts of long messages, delivery records.

Revision ID: 0900
Revises: 0800
"""

import sqlalchemy as sa
from alembic import op

revision = "0900"
down_revision = "0800"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sms_people",
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("noticed", sa.Boolean(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("sent_today", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("pseudonym"),
    )
    op.create_table(
        "sms_parts",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("sender_key", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body_enc", sa.LargeBinary(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider", "message_id", name="uq_sms_parts_message"),
    )
    op.create_index("ix_sms_parts_sender_key", "sms_parts", ["sender_key"])
    op.create_table(
        "sms_outbound",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=True),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("body_enc", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index("ix_sms_outbound_pseudonym", "sms_outbound", ["pseudonym"])


def downgrade() -> None:
    op.drop_index("ix_sms_outbound_pseudonym", table_name="sms_outbound")
    op.drop_table("sms_outbound")
    op.drop_index("ix_sms_parts_sender_key", table_name="sms_parts")
    op.drop_table("sms_parts")
    op.drop_table("sms_people")
