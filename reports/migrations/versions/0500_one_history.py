"""One linear history: the inbox, escalation, WhatsApp and monitor branches meet here.

The four branches grew off 0001 side by side; from here `alembic_version` holds one row and
later revisions follow one line.

Revision ID: 0500
Revises: 0002, 0100, 0300, 0400
"""

revision = "0500"
down_revision = ("0002", "0100", "0300", "0400")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change in the schema: the merge only joins the branches."""


def downgrade() -> None:
    """Splitting the history again changes nothing in the schema either."""
