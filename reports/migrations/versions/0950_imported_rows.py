"""Keys of the file rows already imported, so the same file imported twice stores nothing new.

Revision ID: 0950
Revises: 0800
"""

import sqlalchemy as sa
from alembic import op

revision = "0950"
down_revision = "0800"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imported_rows",
        sa.Column("row_key", sa.String(64), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_imported_rows_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("row_key", name=op.f("pk_imported_rows")),
    )


def downgrade() -> None:
    op.drop_table("imported_rows")
