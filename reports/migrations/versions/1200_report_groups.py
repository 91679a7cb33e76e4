"""Each affected group a report names, as a row (`report_groups`: report, group, people),
written with the report from now on and backfilled from `reports.affected_groups`, so the
accountability figures count by group without parsing every report's JSON.

Revision ID: 1200
Revises: 1100
"""

import sqlalchemy as sa
from alembic import op

revision = "1200"
down_revision = "1100"
branch_labels = None
depends_on = None

# A count is kept when it is a whole number (as `reports.affected.people_of` keeps it);
# anything else names the group without a count.
PG_BACKFILL = """
    INSERT INTO report_groups (report_id, name, people)
    SELECT r.id, left(g.key, 64),
           CASE WHEN json_typeof(g.value) = 'number' AND g.value::text ~ '^-?[0-9]{1,9}$'
                THEN (g.value::text)::integer END
    FROM reports r
    CROSS JOIN LATERAL json_each(CASE WHEN json_typeof(r.affected_groups) = 'object'
                                      THEN r.affected_groups ELSE '{}'::json END) g
    ON CONFLICT DO NOTHING
"""
SQLITE_BACKFILL = """
    INSERT OR IGNORE INTO report_groups (report_id, name, people)
    SELECT r.id, substr(g.key, 1, 64),
           CASE WHEN g.type = 'integer' AND abs(g.value) < 1000000000 THEN g.value END
    FROM reports r, json_each(r.affected_groups) g
    WHERE json_type(r.affected_groups) = 'object'
"""


def upgrade() -> None:
    op.create_table(
        "report_groups",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("people", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_groups_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "name", name=op.f("pk_report_groups")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_BACKFILL)
        op.execute("ANALYZE report_groups")  # planned with its real size from the first read
    else:
        op.execute(SQLITE_BACKFILL)


def downgrade() -> None:
    op.drop_table("report_groups")
