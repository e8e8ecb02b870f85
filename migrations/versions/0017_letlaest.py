"""A plain-language (letlæst) version of a recommendation, in its working copy and versions

Revision ID: 0017_letlaest
Revises: 0016_confirmed_addresses

Markdown and its rendered HTML, as the body; empty when a recommendation has none, which
is what every existing row gets.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_letlaest"
down_revision = "0017_searchperf2"
branch_labels = None
depends_on = None

TABLES = ("recommendations", "recommendation_versions")
COLUMNS = ("easy_read", "easy_read_html")


# Plain ALTER TABLE, not batch mode: on SQLite a batch copies and drops the table, and
# dropping "recommendations" would cascade to its published versions.


def upgrade():
    for table in TABLES:
        for column in COLUMNS:
            op.add_column(table, sa.Column(column, sa.Text(), nullable=False, server_default=""))


def downgrade():
    for table in TABLES:
        for column in COLUMNS:
            op.drop_column(table, column)
