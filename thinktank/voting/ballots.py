"""Casting a ballot: one per member and case, changeable until voting closes.

One ballot per member is the database's job (UNIQUE (case_id, voter_id)); the vote is an
upsert (INSERT … ON CONFLICT DO UPDATE), so concurrent submissions by one member leave one
ballot, the last one written. Every submission is also kept in ``ballot_changes``.

A vote racing the close is decided by the database as well: after writing, the ballot
re-reads the case's state under a share lock (PostgreSQL) or under SQLite's write lock,
which the closing transaction also holds, and keeps it until the request's one commit; a
vote that lost the race raises, so the request rolls it back and every kept ballot is in
the frozen tally.
"""

from __future__ import annotations

from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from thinktank.cases.models import Case
from thinktank.cases.service import visible_case
from thinktank.cases.vocabulary import CaseState
from thinktank.errors import InvalidTransition, ValidationFailed
from thinktank.extensions import db
from thinktank.markup import MARKUP_VERSION, render_markdown
from thinktank.models import utcnow
from thinktank.notifications import follows
from thinktank.permissions import require
from thinktank.voting.closing import close_due_votes, is_due
from thinktank.voting.models import Ballot, BallotChange, BallotChoice, VotingRound
from thinktank.voting.service import approved_positions

MAX_REASON = 5000
MAX_CONDITIONS = 2000
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def own_ballot(user, case_id: int) -> Ballot | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Ballot).where(Ballot.case_id == case_id, Ballot.voter_id == user.id)
    )


def closed_message() -> str:
    return _("Voting on this case is closed, so votes can no longer be cast or changed.")


def _check_choice(case_id: int, choice: BallotChoice, position_id: int | None) -> None:
    if choice == BallotChoice.POSITION:
        if position_id not in {position.id for position in approved_positions(case_id)}:
            raise ValidationFailed(_("Choose one of this case's positions."), field="choice")
    elif position_id is not None:
        raise ValidationFailed(_("Choose a position, or abstain, or recuse."), field="choice")


def _choice_name(case_id: int, choice: BallotChoice, position_id: int | None) -> str:
    if choice == BallotChoice.POSITION:
        titles = {position.id: position.title for position in approved_positions(case_id)}
        return titles.get(position_id, "")
    return str(choice.label)


def _check_reason(previous: Ballot | None, choice, position_id, reason: str, confirmed: bool):
    """A changed vote must not silently keep the reason written for the old choice."""
    if previous is None or confirmed or not reason:
        return
    changed = (previous.choice, previous.position_id) != (choice, position_id)
    if changed and reason == (previous.reason or "").strip():
        raise ValidationFailed(
            _(
                "You changed your vote, but the reason is the one you wrote for “%(choice)s”. "
                "Rewrite it, or confirm that it also applies to your new choice.",
                choice=_choice_name(previous.case_id, previous.choice, previous.position_id),
            ),
            field="reason",
        )


def _check_conditions(choice: BallotChoice, conditional: bool, conditions: str) -> str:
    """The conditions to keep: required with "yes, on conditions", cleared without it."""
    if not conditional:
        return ""
    if choice != BallotChoice.POSITION:
        raise ValidationFailed(
            _("Conditions go with a vote for a position, not with abstaining or recusing."),
            field="conditional",
        )
    if not conditions:
        raise ValidationFailed(_("State the conditions on which you vote yes."), field="conditions")
    if len(conditions) > MAX_CONDITIONS:
        raise ValidationFailed(
            _("At most %(max)s characters.", max=format_number(MAX_CONDITIONS)),
            field="conditions",
        )
    return conditions


def _upsert(case_id: int, voter_id: int, values: dict) -> int:
    dialect = db.session.get_bind().dialect.name
    statement = _INSERT[dialect](Ballot).values(case_id=case_id, voter_id=voter_id, **values)
    changed = {key: getattr(statement.excluded, key) for key in values if key != "cast_at"}
    statement = statement.on_conflict_do_update(
        index_elements=[Ballot.case_id, Ballot.voter_id], set_=changed
    ).returning(Ballot.id)
    return db.session.execute(statement).scalar_one()


def _still_open(case_id: int) -> bool:
    """Read under a lock the closing transaction also takes, so the answer is final."""
    state, closed_at, closes_at = db.session.execute(
        select(Case.state, VotingRound.closed_at, VotingRound.closes_at)
        .outerjoin(VotingRound, VotingRound.case_id == Case.id)
        .where(Case.id == case_id)
        .with_for_update(of=Case, read=True)
    ).one()
    return state == CaseState.VOTING and closed_at is None and not is_due(closes_at)


def cast_ballot(
    user,
    case_id: int,
    choice: BallotChoice,
    position_id: int | None = None,
    reason: str = "",
    *,
    reason_confirmed: bool = False,
    conditional: bool = False,
    conditions: str = "",
) -> int:
    """Cast or change ``user``'s ballot on a case in voting; returns the ballot's id.

    Changing the choice while keeping the old reason word for word needs
    ``reason_confirmed``: the reason was written for the old choice. A vote for a position
    may be ``conditional`` ("yes, on conditions"), and then needs its ``conditions``; an
    unconditional vote keeps none.
    """
    close_due_votes(case_id)
    case = visible_case(user, case_id)
    require("vote", case, user=user)
    if case.state != CaseState.VOTING:
        raise InvalidTransition(closed_message())
    choice = BallotChoice(choice)
    _check_choice(case.id, choice, position_id)
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("At most %(max)s characters.", max=format_number(MAX_REASON)), field="reason"
        )
    conditions = _check_conditions(choice, bool(conditional), (conditions or "").strip())
    _check_reason(own_ballot(user, case.id), choice, position_id, reason, reason_confirmed)
    now = utcnow()
    values = {
        "choice": choice,
        "position_id": position_id,
        "reason": reason,
        "reason_html": str(render_markdown(reason)),
        "conditional": bool(conditions),
        "conditions": conditions,
        "conditions_html": str(render_markdown(conditions)) if conditions else "",
        "markup_version": MARKUP_VERSION,
        "cast_at": now,
        "updated_at": now,
    }
    ballot_id = _upsert(case.id, user.id, values)
    db.session.add(
        BallotChange(
            ballot_id=ballot_id,
            choice=choice,
            position_id=position_id,
            reason=reason,
            conditional=bool(conditions),
            conditions=conditions,
            created_at=now,
        )
    )
    db.session.flush()
    if not _still_open(case.id):  # the share lock is held until the request commits
        raise InvalidTransition(closed_message())  # the ballot is rolled back with it
    follows.follow_automatically(user.id, follows.CASE, case.id)  # voters follow the case
    return ballot_id
