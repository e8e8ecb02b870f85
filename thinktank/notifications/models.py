"""Notifications in the app, what people follow, their e-mail preferences and the digests sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thinktank.accounts.models import User
from thinktank.extensions import db
from thinktank.models import UTCDateTime, utcnow


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Where it points and what it is about, kept with the notification so the list needs no
    # lookups in other domains.
    url: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise")


class Follow(db.Model):
    """One person following one case or one recommendation (exactly one of the two)."""

    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint(
            "(case_id IS NULL) <> (recommendation_id IS NULL)", name="follow_one_subject"
        ),
        UniqueConstraint("user_id", "case_id", name="uq_follows_user_case"),
        UniqueConstraint("user_id", "recommendation_id", name="uq_follows_user_recommendation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationPreference(db.Model):
    """How one person gets one kind of event by e-mail; no row: the kind's default."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        CheckConstraint(
            "delivery IN ('immediately', 'daily', 'weekly', 'never')",
            name="notification_preference_delivery",
        ),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(16))


class DigestSent(db.Model):
    """A digest made for one person and one period: the same period is never sent twice."""

    __tablename__ = "digests_sent"
    __table_args__ = (UniqueConstraint("user_id", "frequency", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    frequency: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
