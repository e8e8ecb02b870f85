"""edit versions on recommendations and positions (optimistic concurrency of edit forms)

Revision ID: 0010_edit_versions
Revises: 0008_safeguards
Create Date: 2026-12-03 17:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_edit_versions"
down_revision = "0008_safeguards"
branch_labels = None
depends_on = None


def upgrade():
    # Cases and comments count their saves already (revision_count); these two start at 1.
    for table in ("recommendations", "positions"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("edit_version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade():
    for table in ("positions", "recommendations"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("edit_version")
