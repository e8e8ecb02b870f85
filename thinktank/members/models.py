"""Declared interests: public, dated, never deleted, only ended."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thinktank.accounts.models import User
from thinktank.extensions import db
from thinktank.models import LabelledEnum, UTCDateTime, enum_column, set_labels, utcnow


class InterestKind(LabelledEnum):
    EMPLOYMENT = "employment"
    BOARD_SEAT = "board_seat"
    OWNERSHIP = "ownership_commercial"
    ADVISORY = "advisory_role"
    OTHER = "other_interest"


set_labels(
    InterestKind,
    {
        InterestKind.EMPLOYMENT: _l("Job"),
        InterestKind.BOARD_SEAT: _l("Board seat"),
        InterestKind.OWNERSHIP: _l("Ownership or commercial tie"),
        InterestKind.ADVISORY: _l("Advisory role"),
        InterestKind.OTHER: _l("Other interest"),
    },
)


class Interest(db.Model):
    """One declared interest. Ending it sets ``ends_on``; nothing else about it ever changes."""

    __tablename__ = "interests"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", "dates"),
        Index("ix_interests_user_declared", "user_id", "declared_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[InterestKind] = mapped_column(enum_column(InterestKind, "interest_kind"))
    organisation: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(1000), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when it was marked ended

    user: Mapped[User] = relationship(lazy="raise")

    def is_current(self, on: date) -> bool:
        return self.ends_on is None or self.ends_on >= on

    def snapshot(self) -> dict[str, str | None]:
        """The declaration as plain JSON, to be kept with a frozen vote result."""
        return {
            "kind": self.kind.value,
            "organisation": self.organisation,
            "description": self.description,
            "starts_on": self.starts_on.isoformat() if self.starts_on else None,
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
            "declared_at": self.declared_at.isoformat(),
        }
