"""Discussions, comments with their kept revisions, and flags."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thinktank.accounts.models import User
from thinktank.extensions import db
from thinktank.models import LabelledEnum, UTCDateTime, enum_column, set_labels, utcnow


class Stance(LabelledEnum):
    FOR = "for"
    AGAINST = "against"


set_labels(Stance, {Stance.FOR: _l("Argument for"), Stance.AGAINST: _l("Argument against")})


class Removal(LabelledEnum):
    AUTHOR = "author"
    MODERATOR = "moderator"


set_labels(
    Removal,
    {
        Removal.AUTHOR: _l("Comment removed by its author"),
        Removal.MODERATOR: _l("Comment removed by the secretariat"),
    },
)


class FlagReason(LabelledEnum):
    OFF_TOPIC = "off_topic"
    PERSONAL_DATA = "personal_data"
    OFFENSIVE = "offensive"
    OTHER = "other"


set_labels(
    FlagReason,
    {
        FlagReason.OFF_TOPIC: _l("Off topic"),
        FlagReason.PERSONAL_DATA: _l("Contains personal data about a citizen"),
        FlagReason.OFFENSIVE: _l("Offensive"),
        FlagReason.OTHER: _l("Something else"),
    },
)


class FlagResolution(LabelledEnum):
    DISMISSED = "dismissed"
    REMOVED = "removed"


set_labels(
    FlagResolution,
    {FlagResolution.DISMISSED: _l("Dismissed"), FlagResolution.REMOVED: _l("Comment removed")},
)


class Discussion(db.Model):
    """The thread of one subject: a case, or a recommendation draft."""

    __tablename__ = "discussions"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_discussion_created", "discussion_id", "created_at"),
        Index("ix_comments_thread_created", "thread_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(ForeignKey("discussions.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    # The top-level comment a reply belongs under (at any depth); None for a top-level one.
    # It lets a page of threads load their replies in one query, without walking the tree.
    # Derived from parent_id, whose cascade already removes a thread's replies with it; no
    # foreign key of its own, as adding one would make SQLite rebuild the comments table.
    thread_id: Mapped[int | None]
    depth: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    markup_version: Mapped[int] = mapped_column(default=0)
    # An argument for or against one of the case's positions (optional).
    stance: Mapped[Stance | None] = mapped_column(enum_column(Stance, "stance"))
    position_id: Mapped[int | None] = mapped_column(
        ForeignKey("positions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revision_count: Mapped[int] = mapped_column(default=1)
    # Removal keeps the row (and its text, for the audit log); the text is never shown again.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removal: Mapped[Removal | None] = mapped_column(enum_column(Removal, "removal"))
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    removal_reason: Mapped[str] = mapped_column(String(500), default="")

    discussion: Mapped[Discussion] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise")

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class CommentRevision(db.Model):
    """An earlier text of an edited comment (the current text lives on the comment)."""

    __tablename__ = "comment_revisions"
    __table_args__ = (UniqueConstraint("comment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    number: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # The sanitiser's rules its HTML was cooked by (0: unknown, re-rendered by the command).
    markup_version: Mapped[int] = mapped_column(default=0, server_default="0")
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Flag(db.Model):
    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("comment_id", "flagger_id"),
        Index("ix_flags_open", "resolved_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    flagger_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[FlagReason] = mapped_column(enum_column(FlagReason, "flag_reason"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[FlagResolution | None] = mapped_column(
        enum_column(FlagResolution, "flag_resolution")
    )

    comment: Mapped[Comment] = relationship(lazy="raise")
    flagger: Mapped[User | None] = relationship(foreign_keys=[flagger_id], lazy="raise")
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id], lazy="raise")
