"""Accounts and invitations."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thinktank.accounts.roles import Role, Sector
from thinktank.extensions import db
from thinktank.models import UTCDateTime, enum_column, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def format_affiliation(organisation: str, sector: Sector | None) -> str:
    """Organisation and sector as one line, e.g. 'Netcompany (privat virksomhed)'; the
    sector is left out where the organisation's name already says it ('Aarhus Kommune').
    Shown after a name and a comma ('Sofie Lund, Netcompany (privat virksomhed)'), never
    inside parentheses of its own."""
    if organisation and sector:
        if str(sector.label).lower() in organisation.lower():
            return organisation
        return f"{organisation} ({str(sector.label).lower()})"
    return organisation or (str(sector.label) if sector else "")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[Sector | None] = mapped_column(enum_column(Sector, "sector"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), default=Role.READER)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Flask-Login stores this, not the id: changing it signs out every session of the user.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person showed they receive mail at ``email`` (by opening a link sent there);
    # None for a self-registered account that never did. A municipal e-mail domain counts
    # as evidence (e.g. for adoptions) only when this is set.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person deleted the account: the row stays, anonymised, so that what they
    # wrote and how they voted keeps its place (see thinktank/privacy/erasure.py).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def affiliation(self) -> str:
        return format_affiliation(self.organisation, self.sector)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class Invitation(db.Model):
    """An e-mail address invited with a role; the signed link names this row and works once."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "invitation_role"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id], lazy="raise")

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "pending"


def load_user(session_token: str) -> User | None:
    """Flask-Login's user loader (set in ``create_app``): the active user of a session token."""
    return db.session.scalar(
        select(User).where(User.session_token == session_token, User.active.is_(True))
    )
