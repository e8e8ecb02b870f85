"""Positions, voting rounds, ballots with their history, and frozen results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thinktank.accounts.models import User
from thinktank.extensions import db
from thinktank.frozen import Frozen
from thinktank.models import LabelledEnum, UTCDateTime, enum_column, set_labels, utcnow


class PositionStatus(LabelledEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


class BallotChoice(LabelledEnum):
    POSITION = "position"
    ABSTAIN = "abstain"
    RECUSE = "recuse"  # a conflict of interest: not counted, and not in the turnout


set_labels(
    PositionStatus,
    {
        PositionStatus.PROPOSED: _l("Proposed"),
        PositionStatus.APPROVED: _l("Approved"),
        PositionStatus.REJECTED: _l("Rejected"),
    },
)
set_labels(
    BallotChoice,
    {
        BallotChoice.POSITION: _l("A position"),
        BallotChoice.ABSTAIN: _l("Abstain"),
        BallotChoice.RECUSE: _l("Recuse because of a conflict of interest"),
    },
)


class Position(db.Model):
    """A position a case can be voted on: stable ``id``, ``case_id`` and ``title``."""

    __tablename__ = "positions"
    # (id, case_id) is unique so that a ballot's position must belong to the ballot's case.
    __table_args__ = (UniqueConstraint("id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    explanation: Mapped[str] = mapped_column(Text, default="")
    explanation_html: Mapped[str] = mapped_column(Text, default="")
    markup_version: Mapped[int] = mapped_column(default=0)
    # Counts saves of the wording: an edit form opened at an older one is stale.
    edit_version: Mapped[int] = mapped_column(default=1, server_default="1")
    status: Mapped[PositionStatus] = mapped_column(
        enum_column(PositionStatus, "position_status"), default=PositionStatus.PROPOSED
    )
    rejection_reason: Mapped[str] = mapped_column(String(1000), default="")
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id], lazy="raise")


class VotingRound(db.Model):
    """The vote on a case: its options when started, and when and how it closed."""

    __tablename__ = "voting_rounds"
    __table_args__ = (
        Index("ix_voting_rounds_due", "closed_at", "closes_at"),
        CheckConstraint("min_turnout BETWEEN 0 AND 100", "min_turnout_percent"),
    )

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: closed by hand
    open_results: Mapped[bool] = mapped_column(default=False)
    # Closing below this turnout (in per cent) asks the secretariat for a reason; 0: no minimum.
    min_turnout: Mapped[int] = mapped_column(default=0, server_default="0")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_automatically: Mapped[bool] = mapped_column(default=False)


class ClosingReminder(db.Model):
    """The reminder that a vote closes soon, sent once to one member who had not voted."""

    __tablename__ = "closing_reminders"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("voting_rounds.case_id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Ballot(db.Model):
    """A member's current vote on a case; every change is kept in :class:`BallotChange`."""

    __tablename__ = "ballots"
    __table_args__ = (
        UniqueConstraint("case_id", "voter_id"),
        ForeignKeyConstraint(
            ["position_id", "case_id"],
            ["positions.id", "positions.case_id"],
            name="fk_ballots_position_of_case",
        ),
        CheckConstraint(
            "(choice = 'position' AND position_id IS NOT NULL)"
            " OR (choice <> 'position' AND position_id IS NULL)",
            "position_chosen",
        ),
        # PostgreSQL only: on SQLite adding it would copy the table (see migration 0017)
        CheckConstraint("choice = 'position' OR NOT conditional", "conditions_with_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    # Kept, anonymised, if the voter's account is deleted: tallies stay whole.
    voter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    choice: Mapped[BallotChoice] = mapped_column(enum_column(BallotChoice, "ballot_choice"))
    position_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    reason_html: Mapped[str] = mapped_column(Text, default="")
    # "Yes, on conditions": the conditions (Markdown, required then) beside their HTML.
    conditional: Mapped[bool] = mapped_column(default=False, server_default=false())
    conditions: Mapped[str] = mapped_column(Text, default="", server_default="")
    conditions_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    markup_version: Mapped[int] = mapped_column(default=0)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    voter: Mapped[User | None] = relationship(lazy="raise")


class BallotChange(db.Model):
    """One submission of a ballot, as it was sent: the history behind the current ballot."""

    __tablename__ = "ballot_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), index=True)
    choice: Mapped[BallotChoice] = mapped_column(enum_column(BallotChoice, "ballot_change_choice"))
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    conditional: Mapped[bool] = mapped_column(default=False, server_default=false())
    conditions: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoteResult(Frozen, db.Model):
    """The tally frozen when voting closed. Written once, never updated or deleted (the model
    refuses it: see ``frozen.py``); how it is counted: see ``tally.py``."""

    __tablename__ = "vote_results"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Each vote keeps its "reason" (Markdown) beside "reason_html"; a reason of None marks a
    # source lost before it was kept (the 0011 migration could not recover it).
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The oldest sanitiser rules a reason in the snapshot was cooked by (0: unknown).
    markup_version: Mapped[int] = mapped_column(default=0, server_default="0")
