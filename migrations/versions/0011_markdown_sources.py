"""Markdown sources beside every stored HTML: markup versions on comment revisions, published
recommendation versions and frozen vote results, and the sources in their JSON snapshots

Revision ID: 0011_markdown_sources
Revises: 0010_edit_versions
Create Date: 2026-12-03 18:40:00.000000

The new ``markup_version`` columns start at 0 (cooked by unknown rules), so the next
``flask rerender-markdown`` re-renders those rows.

The data step fills in the source of each HTML kept in a snapshot: a tally vote's
``reason``, a published minority opinion's ``body`` and a citation's ``quote``. A source is
taken only where the database shows what it was when the snapshot was written: the live
text whose HTML is identical, or else the text that was current at that moment (a ballot's
history, an opinion not saved since, a comment's revisions). Where it cannot be told, the
key is set to None: the marker that this HTML has no source and is kept as it was. Keys
already present are left alone, so upgrading again after a downgrade loses nothing; the
downgrade drops the columns and keeps the keys (older code ignores them).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011_markdown_sources"
down_revision = "0010_edit_versions"
branch_labels = None
depends_on = None

TABLES = ("comment_revisions", "recommendation_versions", "vote_results")

vote_results = sa.table(
    "vote_results", sa.column("case_id", sa.Integer), sa.column("snapshot", sa.JSON)
)
versions = sa.table(
    "recommendation_versions",
    sa.column("id", sa.Integer),
    sa.column("recommendation_id", sa.Integer),
    sa.column("minority_opinions", sa.JSON),
    sa.column("citations", sa.JSON),
)


def _first(connection, statement, **values):
    row = connection.execute(sa.text(statement), values).first()
    return row[0] if row else None


def _reason(connection, case_id, vote):
    """The ballot's reason as frozen in the tally, or None."""
    if not vote.get("reason_html"):
        return ""
    ballot = connection.execute(
        sa.text(
            "SELECT id, reason, reason_html FROM ballots"
            " WHERE case_id = :case_id AND voter_id = :voter_id"
        ),
        {"case_id": case_id, "voter_id": vote.get("voter_id")},
    ).first()
    if ballot is None:
        return None
    if ballot.reason_html == vote["reason_html"]:
        return ballot.reason
    return _first(
        connection,
        "SELECT c.reason FROM ballot_changes c, vote_results r"
        " WHERE c.ballot_id = :ballot_id AND r.case_id = :case_id AND c.created_at <= r.frozen_at"
        " ORDER BY c.created_at DESC, c.id DESC LIMIT 1",
        ballot_id=ballot.id,
        case_id=case_id,
    )


def _opinion_body(connection, version, opinion):
    """The minority opinion's text as published, or None."""
    rows = connection.execute(
        sa.text(
            "SELECT o.author_id, o.body, o.body_html,"
            " CASE WHEN o.updated_at <= v.published_at THEN 1 ELSE 0 END AS unchanged"
            " FROM minority_opinions o, recommendation_versions v"
            " WHERE o.recommendation_id = :recommendation_id AND v.id = :version_id"
        ),
        {"recommendation_id": version.recommendation_id, "version_id": version.id},
    ).all()
    for row in rows:
        if row.body_html == opinion.get("body_html"):
            return row.body
    for row in rows:
        if opinion.get("author_id") is not None and row.author_id == opinion["author_id"]:
            return row.body if row.unchanged else None
    return None


def _quote(connection, version_id, citation):
    """The cited comment's text as published, or None."""
    texts = connection.execute(
        sa.text(
            "SELECT c.body, c.body_html,"
            " CASE WHEN COALESCE(c.edited_at, c.created_at) <= v.published_at"
            " THEN 1 ELSE 0 END AS written_before, COALESCE(c.edited_at, c.created_at) AS at"
            " FROM comments c, recommendation_versions v"
            " WHERE c.id = :comment_id AND v.id = :version_id"
            " UNION ALL"
            " SELECT r.body, r.body_html,"
            " CASE WHEN r.written_at <= v.published_at THEN 1 ELSE 0 END, r.written_at"
            " FROM comment_revisions r, recommendation_versions v"
            " WHERE r.comment_id = :comment_id AND v.id = :version_id"
            " ORDER BY 4 DESC"
        ),
        {"comment_id": citation.get("comment_id"), "version_id": version_id},
    ).all()
    for row in texts:
        if row.body_html == citation.get("quote_html"):
            return row.body
    return next((row.body for row in texts if row.written_before), None)


def _fill_sources(connection):
    for result in connection.execute(sa.select(vote_results)).all():
        snapshot = result.snapshot or {}
        votes = snapshot.get("votes", [])
        if all("reason" in vote for vote in votes):
            continue
        filled = [
            vote
            if "reason" in vote
            else vote | {"reason": _reason(connection, result.case_id, vote)}
            for vote in votes
        ]
        connection.execute(
            vote_results.update()
            .where(vote_results.c.case_id == result.case_id)
            .values(snapshot=snapshot | {"votes": filled})
        )
    for version in connection.execute(sa.select(versions)).all():
        opinions = version.minority_opinions or []
        citations = version.citations or []
        if all("body" in o for o in opinions) and all("quote" in c for c in citations):
            continue
        connection.execute(
            versions.update()
            .where(versions.c.id == version.id)
            .values(
                minority_opinions=[
                    o if "body" in o else o | {"body": _opinion_body(connection, version, o)}
                    for o in opinions
                ],
                citations=[
                    c if "quote" in c else c | {"quote": _quote(connection, version.id, c)}
                    for c in citations
                ],
            )
        )


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("markup_version", sa.Integer(), server_default="0", nullable=False)
            )
    _fill_sources(op.get_bind())


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("markup_version")
