"""Each reply knows its thread (the top-level comment it belongs under); links to comments
stored in notifications become permalinks

Revision ID: 0017_threads
Revises: 0016_confirmed_addresses

A discussion is shown in pages of threads, so the page's replies are loaded by their
thread. Existing replies get theirs level by level from their parents. A notification kept
the case page's address with `#c<id>`; once the discussion has pages that address may be on
another page, so it becomes `/comments/<id>`, which finds the page.
"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_threads"
down_revision = "0017_letlaest"
branch_labels = None
depends_on = None

_FRAGMENT = re.compile(r"#c([0-9]+)$")


def upgrade():
    # A plain column and index: no table rebuild on SQLite (dropping the old comments table
    # there would cascade into the replies, flags and revisions that reference it).
    op.add_column("comments", sa.Column("thread_id", sa.Integer(), nullable=True))
    op.create_index("ix_comments_thread_created", "comments", ["thread_id", "created_at"])
    connection = op.get_bind()
    # Replies of top-level comments first, then theirs, until no reply is left without one.
    while True:
        updated = connection.execute(
            sa.text(
                "UPDATE comments SET thread_id = ("
                " SELECT COALESCE(parent.thread_id, parent.id) FROM comments AS parent"
                " WHERE parent.id = comments.parent_id)"
                " WHERE thread_id IS NULL AND parent_id IS NOT NULL AND EXISTS ("
                " SELECT 1 FROM comments AS parent WHERE parent.id = comments.parent_id"
                " AND (parent.parent_id IS NULL OR parent.thread_id IS NOT NULL))"
            )
        ).rowcount
        if not updated:
            break
    rows = connection.execute(
        sa.text("SELECT id, url FROM notifications WHERE url LIKE '%#c%'")
    ).all()
    for notification_id, url in rows:
        found = _FRAGMENT.search(url)
        if found:
            connection.execute(
                sa.text("UPDATE notifications SET url = :url WHERE id = :id"),
                {"url": f"/comments/{found.group(1)}", "id": notification_id},
            )


def downgrade():
    op.drop_index("ix_comments_thread_created", table_name="comments")
    # SQLite (3.35 and later) drops a column in place, without rebuilding the table.
    with op.batch_alter_table("comments", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("thread_id")
