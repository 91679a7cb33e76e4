"""Keys of the file rows already imported, so the same file imported twice stores nothing new;
the first group of each new invite code, so `tocsin monitors list` can show open invites.

Revision ID: 0950
Revises: 0900
"""

import sqlalchemy as sa
from alembic import op

revision = "0950"
down_revision = "0900"
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
    with op.batch_alter_table("monitor_invites") as batch:
        batch.add_column(sa.Column("code_prefix", sa.String(4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("monitor_invites") as batch:
        batch.drop_column("code_prefix")
    op.drop_table("imported_rows")
