"""The search index: one row per findable thing, full text by the database's own means

Revision ID: 0012_search
Revises: 0011_markdown_sources
Create Date: 2026-12-04 20:10:00.000000

PostgreSQL gets a generated ``search_vector`` (``danish`` configuration: title A, summary B,
body C) with a GIN index. SQLite gets the FTS5 table ``search_fts`` over the stems the app
stores in the ``*_terms`` columns (external content: the rows live in ``search_documents``),
kept in step by triggers. Neither is in the models (migrations/env.py leaves them out of the
comparison). Run ``flask reindex`` after upgrading to fill the index.
"""

from alembic import op
import sqlalchemy as sa

import thinktank.models


# revision identifiers, used by Alembic.
revision = "0012_search"
down_revision = "0013_mail"
branch_labels = None
depends_on = None

VECTOR = (
    "setweight(to_tsvector('danish'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('danish'::regconfig, coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('danish'::regconfig, coalesce(body, '')), 'C')"
)
TERMS = "title_terms, summary_terms, body_terms"


def upgrade():
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "recommendation",
                "case",
                "comment",
                "member",
                name="search_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("context_title", sa.String(length=300), nullable=False),
        sa.Column("context_kind", sa.String(length=32), nullable=False),
        sa.Column("domain", sa.String(length=32), nullable=True),
        sa.Column("technology", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column(
            "audience",
            sa.Enum(
                "public",
                "members",
                "staff",
                name="search_audience",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("boost", sa.Float(), nullable=False),
        sa.Column("dated_at", thinktank.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("title_terms", sa.Text(), nullable=False),
        sa.Column("summary_terms", sa.Text(), nullable=False),
        sa.Column("body_terms", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("kind", "object_id", name=op.f("uq_search_documents_kind_object_id")),
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index("ix_search_documents_case", ["case_id"], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            f"ALTER TABLE search_documents ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({VECTOR}) STORED"
        )
        op.execute(
            "CREATE INDEX ix_search_documents_vector ON search_documents USING gin (search_vector)"
        )
    elif dialect == "sqlite":
        op.execute(
            f"CREATE VIRTUAL TABLE search_fts USING fts5({TERMS}, content='search_documents', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
        )
        new = "new.id, new.title_terms, new.summary_terms, new.body_terms"
        old = "'delete', old.id, old.title_terms, old.summary_terms, old.body_terms"
        add = f"INSERT INTO search_fts(rowid, {TERMS}) VALUES ({new});"
        drop = f"INSERT INTO search_fts(search_fts, rowid, {TERMS}) VALUES ({old});"
        op.execute(
            f"CREATE TRIGGER search_fts_insert AFTER INSERT ON search_documents BEGIN {add} END"
        )
        op.execute(
            f"CREATE TRIGGER search_fts_delete AFTER DELETE ON search_documents BEGIN {drop} END"
        )
        op.execute(
            f"CREATE TRIGGER search_fts_update AFTER UPDATE ON search_documents BEGIN {drop} {add} END"
        )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS search_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_search_documents_case")
    op.drop_table("search_documents")
