"""The search index: one row per thing that can be found, with what it takes to see it.

The text columns hold plain text as the linked page shows it. Where the full text lives
depends on the database (the migration adds it): on PostgreSQL a generated ``search_vector``
column (``danish`` configuration, title A, summary B, body C) with a GIN index; on SQLite
the FTS5 table ``search_fts`` over the ``*_terms`` columns (Danish stems made in Python),
kept in step with this table by triggers.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from thinktank.extensions import db
from thinktank.models import LabelledEnum, UTCDateTime, enum_column, set_labels


class Kind(LabelledEnum):
    RECOMMENDATION = "recommendation"
    CASE = "case"
    COMMENT = "comment"
    MEMBER = "member"


set_labels(
    Kind,
    {
        Kind.RECOMMENDATION: _l("Recommendation"),
        Kind.CASE: _l("Case"),
        Kind.COMMENT: _l("Comment"),
        Kind.MEMBER: _l("Member"),
    },
)


class Audience(LabelledEnum):
    PUBLIC = "public"  # everyone, logged in or not
    MEMBERS = "members"  # members, the secretariat and admins
    STAFF = "staff"  # the secretariat and admins (and the owner: a draft's author)


set_labels(
    Audience,
    {Audience.PUBLIC: _l("Everyone"), Audience.MEMBERS: _l("Members"), Audience.STAFF: _l("Staff")},
)


class SearchDocument(db.Model):
    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        Index("ix_search_documents_case", "case_id"),
        # the cheap pre-order the search takes its bounded candidate set in (service.py)
        Index("ix_search_documents_order", "boost", "dated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(enum_column(Kind, "search_kind"))
    object_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # where it belongs: the case or recommendation a comment is about
    context_title: Mapped[str] = mapped_column(String(300), default="")
    context_kind: Mapped[str] = mapped_column(String(32), default="")
    # the filters (values of the case vocabularies; None where they do not apply)
    domain: Mapped[str | None] = mapped_column(String(32))
    technology: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str | None] = mapped_column(String(32))
    case_id: Mapped[int | None]
    # who may see it: the audience, and the one person who sees it besides (a draft's author)
    audience: Mapped[Audience] = mapped_column(enum_column(Audience, "search_audience"))
    owner_id: Mapped[int | None]
    # multiplies the rank: a current recommendation above a superseded or withdrawn one
    boost: Mapped[float] = mapped_column(Float, default=1.0)
    dated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # SQLite only: the stems FTS5 indexes (empty on PostgreSQL, which stems in the database)
    title_terms: Mapped[str] = mapped_column(Text, default="")
    summary_terms: Mapped[str] = mapped_column(Text, default="")
    body_terms: Mapped[str] = mapped_column(Text, default="")


#: What the migration adds beside the model, by database (see ``0012_search``).
FULL_TEXT_TABLES = "search_fts"  # and FTS5's shadow tables, search_fts_*
FULL_TEXT_PARTS = (
    "search_vector",
    "search_pairs",  # neighbouring lexemes, for phrases (``0017_searchperf2``)
    "ix_search_documents_vector",
    "ix_search_documents_text",
)


def include_object(_object, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: leave the database's own full text out of the schema comparison."""
    if not (reflected and compare_to is None and name):
        return True
    if type_ == "table":
        return not name.startswith(FULL_TEXT_TABLES)
    return not (type_ in ("column", "index") and name in FULL_TEXT_PARTS)
