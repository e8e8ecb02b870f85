"""Chatham House cases: contributions named inside the think tank, by sector outside it

Revision ID: 0017_chatham
Revises: 0016_confirmed_addresses
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_chatham"
down_revision = "0017_threads"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("chatham_house", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("chatham_house")
