"""Search: an index in the cheap pre-order (boost, date) the search takes its candidates in

Revision ID: 0015_searchperf
Revises: 0012_search
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_searchperf"
down_revision = "0012_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_search_documents_order", "search_documents", ["boost", "dated_at", "id"], unique=False
    )


def downgrade():
    op.drop_index("ix_search_documents_order", table_name="search_documents")
