"""privacy: site pages with kept versions, and the time an account was deleted (anonymised)

Revision ID: 0014_privacy
Revises: 0011_markdown_sources
Create Date: 2026-12-04 20:30:00.000000

"""

from alembic import op
import sqlalchemy as sa

from thinktank.models import UTCDateTime


# revision identifiers, used by Alembic.
revision = "0014_privacy"
down_revision = "0011_markdown_sources"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "site_page_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=32), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("markup_version", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug", "locale", "number"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", UTCDateTime(timezone=True), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # not batch mode: rebuilding the users table would drop it, and with foreign keys on
        # SQLite's DROP TABLE sets every reference to a user to NULL (ballots, comments, …)
        op.execute("ALTER TABLE users DROP COLUMN deleted_at")
    else:
        op.drop_column("users", "deleted_at")
    op.drop_table("site_page_versions")
