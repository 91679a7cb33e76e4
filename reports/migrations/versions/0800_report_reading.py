"""Reports keep the NLU's whole reading: every category, confidentiality, relevance.

Revision ID: 0800
Revises: 0002, 0100, 0300, 0400
"""

import sqlalchemy as sa
from alembic import op

revision = "0800"
down_revision = "0700"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("categories", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("confidential_reading", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("relevant", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("relevance", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("relevance")
        batch.drop_column("relevant")
        batch.drop_column("confidential_reading")
        batch.drop_column("categories")
