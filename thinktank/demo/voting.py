"""The demo's votes and declared interests, loaded through the members and voting services."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.demo.reading import ABSTAIN, RECUSE, DemoAccount, DemoBallot, DemoVote
from thinktank.extensions import db
from thinktank.members.models import Interest
from thinktank.members.service import InterestInput, declare_interest
from thinktank.models import utcnow
from thinktank.voting import ballots, service
from thinktank.voting.models import BallotChoice


def seed_interests(accounts: tuple[DemoAccount, ...], users: dict[str, User]) -> int:
    """Declare the demo interests of accounts that have declared none; returns how many."""
    declaring = [account for account in accounts if account.interests]
    declared = set(
        db.session.scalars(
            select(Interest.user_id).where(
                Interest.user_id.in_([users[account.email].id for account in declaring])
            )
        )
    )
    count = 0
    for account in declaring:
        user = users[account.email]
        if user.id in declared:
            continue
        for item in account.interests:
            data = InterestInput(
                item.kind, item.organisation, item.description, item.starts_on, item.ends_on
            )
            declare_interest(user, data)
            count += 1
    return count


def start_demo_vote(
    vote: DemoVote, case: Case, users: dict[str, User], secretariat: User, note: str
) -> None:
    """Add the case's positions (proposals approved or rejected), start voting, cast ballots."""
    positions = []
    for item in vote.positions:
        data = service.PositionInput(item.title, item.explanation)
        if item.proposer:
            proposal = service.add_position(users[item.proposer], case, data)
            positions.append(service.approve_position(secretariat, case, proposal.id))
        else:
            positions.append(service.add_position(secretariat, case, data))
    for proposer, item, reason in vote.rejected:
        proposal = service.add_position(
            users[proposer], case, service.PositionInput(item.title, item.explanation)
        )
        service.reject_position(secretariat, case, proposal.id, reason)
    closes_at = utcnow() + timedelta(days=vote.days_open) if vote.days_open else None
    service.start_voting(
        secretariat,
        case,
        closes_at=closes_at,
        open_results=False,
        note=note,
        min_turnout=vote.min_turnout,
    )
    for ballot in vote.ballots:
        _cast(users, case, positions, ballot)


def _cast(users: dict[str, User], case: Case, positions: list, ballot: DemoBallot) -> None:
    def choose(choice):
        if choice in (ABSTAIN, RECUSE):
            return BallotChoice(choice), None
        return BallotChoice.POSITION, positions[choice].id

    if ballot.earlier is not None:
        ballots.cast_ballot(users[ballot.voter], case.id, *choose(ballot.earlier))
    ballots.cast_ballot(
        users[ballot.voter],
        case.id,
        *choose(ballot.choice),
        ballot.reason,
        conditional=bool(ballot.conditions),
        conditions=ballot.conditions,
    )
