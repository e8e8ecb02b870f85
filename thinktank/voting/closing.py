"""Closing a vote: by hand (the generic ``close_voting`` move) or by the system when its
closing time has passed; either way the tally is frozen in the same transaction."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_percent, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from thinktank.cases import lifecycle
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.errors import Concern, InvalidTransition
from thinktank.extensions import db
from thinktank.markup import MARKUP_VERSION
from thinktank.models import utcnow
from thinktank.templating import datetime_text
from thinktank.voting.models import Ballot, VoteResult, VotingRound
from thinktank.voting.tally import build_snapshot, current_turnout


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
    # re-rendered by rerender-markdown if a reason was cooked by older rules
    oldest_markup = db.session.scalar(
        select(func.min(Ballot.markup_version)).where(Ballot.case_id == case.id)
    )
    db.session.add(
        VoteResult(
            case_id=case.id,
            frozen_at=now,
            snapshot=build_snapshot(case.id, now),
            markup_version=MARKUP_VERSION if oldest_markup is None else oldest_markup,
        )
    )


def closing_concerns(case: Case) -> list[Concern]:
    """Closing before the set closing time, or below the minimum turnout, needs a reason."""
    voting = db.session.get(VotingRound, case.id)
    if voting is None or voting.closed_at is not None:
        return []
    found = []
    if voting.closes_at is not None and utcnow() < voting.closes_at:
        found.append(
            Concern(
                _(
                    "Voting is open until %(when)s. Closing it now ends it early.",
                    when=datetime_text(voting.closes_at),
                ),
                {"closes_at": voting.closes_at.isoformat()},
            )
        )
    turnout = current_turnout(case.id)
    share = turnout.share or 0
    if voting.min_turnout and share * 100 < voting.min_turnout:
        message = ngettext(
            "%(voted)d of %(num)d eligible member has voted (%(share)s), below the minimum "
            "turnout of %(minimum)s set when voting started.",
            "%(voted)d of %(num)d eligible members have voted (%(share)s), below the minimum "
            "turnout of %(minimum)s set when voting started.",
            turnout.eligible,
            voted=turnout.voted,
            share=format_percent(share),
            minimum=format_percent(voting.min_turnout / 100),
        )
        found.append(
            Concern(message, {"turnout": round(share, 4), "min_turnout": voting.min_turnout})
        )
    return found


def closing_details(data: dict) -> list[str]:
    """The log's account of why a close needed a reason."""
    facts = []
    if data.get("closes_at"):
        when = datetime_text(datetime.fromisoformat(data["closes_at"]))
        facts.append(_("Closed before its set closing time, %(when)s.", when=when))
    if data.get("min_turnout"):
        facts.append(
            _(
                "Closed at a turnout of %(share)s, below the minimum of %(minimum)s.",
                share=format_percent(data.get("turnout") or 0),
                minimum=format_percent(data["min_turnout"] / 100),
            )
        )
    return facts


#: The facts this module's log entries show under their description.
AUDIT_DETAILS = {"case_close_voting": closing_details}


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


def close_due_votes(case_id: int | None = None) -> int:
    """Close, as the system, every vote (or this case's) whose closing time has passed.

    Each close is a savepoint of the caller's transaction: one that fails (closed meanwhile
    by someone else) is undone alone and the others stay.
    """
    closed = 0
    for due_id in _due(case_id):
        case = db.session.get(Case, due_id)
        try:
            with db.session.begin_nested():
                lifecycle.transition(None, case, "close_voting", manual=False)
        except (InvalidTransition, IntegrityError):
            continue  # closed meanwhile by someone else: nothing left to do
        closed += 1
    return closed


def next_closing_time():
    """When the earliest open vote's closing time falls (None: no open vote has one)."""
    return db.session.scalar(
        select(func.min(VotingRound.closes_at))
        .join(Case, VotingRound.case_id == Case.id)
        .where(Case.state == CaseState.VOTING, VotingRound.closed_at.is_(None))
    )


def is_due(closes_at) -> bool:
    """True when a closing time is set and has passed."""
    return closes_at is not None and closes_at <= utcnow()
