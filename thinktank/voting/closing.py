"""Closing a vote: by hand (the generic ``close_voting`` move) or by the system when its
closing time has passed; either way the tally is frozen in the same transaction."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from thinktank.cases import lifecycle
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.errors import InvalidTransition
from thinktank.extensions import db
from thinktank.models import utcnow
from thinktank.voting.models import VoteResult, VotingRound
from thinktank.voting.tally import build_snapshot


@lifecycle.after("close_voting")
def freeze_result(case: Case, user, _options: dict) -> None:
    """Write the snapshot once; a second closer (a race) is refused and rolls back."""
    db.session.flush()  # the case row is now locked (PostgreSQL) or the database is (SQLite)
    voting = db.session.scalar(
        select(VotingRound).where(VotingRound.case_id == case.id).with_for_update()
    )
    now = utcnow()
    if voting is None:  # a case put into voting without the voting options
        voting = VotingRound(case_id=case.id, started_at=now)
        db.session.add(voting)
    elif voting.closed_at is not None:
        raise InvalidTransition(_("Voting on this case has already closed."))
    voting.closed_at = now
    voting.closed_by_id = getattr(user, "id", None)
    voting.closed_automatically = user is None
    db.session.add(
        VoteResult(case_id=case.id, frozen_at=now, snapshot=build_snapshot(case.id, now))
    )


def _due(case_id: int | None):
    statement = (
        select(Case.id)
        .join(VotingRound, VotingRound.case_id == Case.id)
        .where(
            Case.state == CaseState.VOTING,
            VotingRound.closed_at.is_(None),
            VotingRound.closes_at <= utcnow(),
        )
        .order_by(Case.id)
    )
    if case_id is not None:
        statement = statement.where(Case.id == case_id)
    return list(db.session.scalars(statement))


@lifecycle.due
def close_due_votes(case_id: int | None = None) -> int:
    """Close, as the system, every vote (or this case's) whose closing time has passed."""
    closed = 0
    for due_id in _due(case_id):
        case = db.session.get(Case, due_id)
        try:
            lifecycle.transition(None, case, "close_voting", manual=False)
        except (InvalidTransition, IntegrityError):
            db.session.rollback()  # closed meanwhile by someone else: nothing left to do
            continue
        closed += 1
    return closed


def is_due(closes_at) -> bool:
    """True when a closing time is set and has passed."""
    return closes_at is not None and closes_at <= utcnow()
