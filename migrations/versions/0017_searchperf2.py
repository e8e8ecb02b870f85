"""Search on PostgreSQL: word pairs for phrases, the filters inside the full-text index

Revision ID: 0017_searchperf2
Revises: 0016_confirmed_addresses

A GIN index over a ``tsvector`` holds no word positions, so a phrase such as
``"kommunen borgeren"`` was found by reading every document that has both words. The
generated column ``search_pairs`` holds each pair of neighbouring lexemes of
``search_vector`` (positions p and p + 1, as the phrase operator ``<->`` reads them) as one
lexeme, ``'kommun borg'``; a phrase's pairs are a condition the index answers exactly, and the
phrase itself is still checked on the few documents that have them. The filter columns and
the audience join the full text in one GIN index (``btree_gin``), so a filter narrows the
index scan instead of the rows read after it. SQLite's FTS5 indexes phrases itself: nothing
changes there.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_searchperf2"
down_revision = "0016_confirmed_addresses"
branch_labels = None
depends_on = None

VECTOR = (
    "setweight(to_tsvector('danish'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('danish'::regconfig, coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('danish'::regconfig, coalesce(body, '')), 'C')"
)
PAIRS_FUNCTION = """
CREATE FUNCTION search_pairs(vector tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH at AS (
    SELECT entry.lexeme, position
    FROM unnest(vector) AS entry, unnest(entry.positions) AS position
  )
  SELECT coalesce(array_to_tsvector(array_agg(DISTINCT one.lexeme || ' ' || next.lexeme)),
                  ''::tsvector)
  FROM at AS one JOIN at AS next ON next.position = one.position + 1
  WHERE octet_length(one.lexeme) + octet_length(next.lexeme) < 2047  -- a lexeme's limit
$$
"""
COLUMNS = "search_vector, search_pairs, kind, domain, technology, state"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute(PAIRS_FUNCTION)
    op.execute(
        "ALTER TABLE search_documents ADD COLUMN search_pairs tsvector "
        f"GENERATED ALWAYS AS (search_pairs({VECTOR})) STORED"
    )
    op.execute("DROP INDEX ix_search_documents_vector")
    op.execute(f"CREATE INDEX ix_search_documents_text ON search_documents USING gin ({COLUMNS})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_search_documents_text")
    op.execute("ALTER TABLE search_documents DROP COLUMN search_pairs")
    op.execute("DROP FUNCTION search_pairs(tsvector)")
    op.execute(
        "CREATE INDEX ix_search_documents_vector ON search_documents USING gin (search_vector)"
    )
