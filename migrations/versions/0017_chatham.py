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


# Plain ALTER TABLE, not batch mode: on SQLite a batch drop copies and drops ``cases``, and
# the drop would cascade to its comments, ballots and recommendations.
def upgrade():
    op.add_column(
        "cases", sa.Column("chatham_house", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade():
    op.drop_column("cases", "chatham_house")
