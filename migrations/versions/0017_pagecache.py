"""The generation of the cached anonymous pages

Revision ID: 0017_pagecache
Revises: 0017_experience

One row holding a random token; every transaction that changes what an anonymous page shows
writes a new one (thinktank/pagecache.py), so pages kept under the old token are not served.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_pagecache"
down_revision = "0017_experience"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "page_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_generation")),
    )
    op.bulk_insert(table, [{"id": 1, "token": "0"}])


def downgrade():
    op.drop_table("page_generation")
