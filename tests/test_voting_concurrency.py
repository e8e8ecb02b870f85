"""Double votes are impossible, also under concurrent requests; no vote is lost.

Real threads, each with its own database session, started together by a barrier; run the
suite with THINKTANK_TEST_DATABASE_URL=postgresql+psycopg://… to test PostgreSQL.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from tests.conftest import cast
from thinktank.accounts.models import User
from thinktank.errors import InvalidTransition
from thinktank.extensions import db
from thinktank.transaction import transaction
from thinktank.voting.ballots import cast_ballot
from thinktank.voting.models import Ballot, BallotChange, BallotChoice, VoteResult

THREADS = 12


def _together(app, count: int, work) -> list[Exception]:
    """Run ``work(i)`` in ``count`` threads at once, each in its own app context and session."""
    barrier = threading.Barrier(count)
    errors: list[Exception] = []

    def run(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                work(i)
            except Exception as error:  # collected and asserted by the caller
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _cast_as(user_id: int, case_id: int, choice, position_id=None, reason=""):
    with transaction():  # one request: the ballot, committed or rolled back as a whole
        voter = db.session.get(User, user_id)
        return cast_ballot(voter, case_id, choice, position_id, reason)


def test_concurrent_votes_by_one_member_leave_exactly_one_ballot(app, member, make_vote_case):
    vote = make_vote_case()

    def work(i: int) -> None:
        position = vote.positions[i % 2]
        _cast_as(member.id, vote.id, BallotChoice.POSITION, position, f"Forsøg {i}")

    assert _together(app, THREADS, work) == []
    with app.app_context():
        ballots = db.session.scalars(select(Ballot).where(Ballot.case_id == vote.id)).all()
        assert len(ballots) == 1
        changes = db.session.scalars(
            select(BallotChange)
            .where(BallotChange.ballot_id == ballots[0].id)
            .order_by(BallotChange.id)
        ).all()
    assert len(changes) == THREADS  # every submission is kept
    # the ballot is one of the submissions, whole (choice and reason from the same one)
    submitted = {(c.position_id, c.reason) for c in changes}
    assert (ballots[0].position_id, ballots[0].reason) in submitted


def test_concurrent_requests_by_one_member_through_the_web_leave_one_ballot(
    app, client_as, member, make_vote_case
):
    vote = make_vote_case()
    clients = [client_as(member) for _ in range(THREADS)]
    for client in clients:
        client.csrf_token()  # fetch the form token before the race
    statuses: list[int] = []

    def work(i: int) -> None:
        statuses.append(cast(clients[i], vote.id, vote.positions[i % 2]).status_code)

    assert _together(app, THREADS, work) == []
    assert statuses == [302] * THREADS
    with app.app_context():
        assert db.session.scalar(select(func.count(Ballot.id))) == 1


def test_many_members_voting_at_once_each_get_their_ballot(app, make_user, make_vote_case):
    vote = make_vote_case()
    voters = [make_user() for _ in range(THREADS)]

    def work(i: int) -> None:
        choice = BallotChoice.ABSTAIN if i % 3 == 0 else BallotChoice.POSITION
        position = None if choice == BallotChoice.ABSTAIN else vote.positions[i % 2]
        _cast_as(voters[i].id, vote.id, choice, position)

    assert _together(app, THREADS, work) == []
    with app.app_context():
        kept = dict(
            db.session.execute(
                select(Ballot.voter_id, Ballot.choice).where(Ballot.case_id == vote.id)
            ).all()
        )
    assert set(kept) == {voter.id for voter in voters}  # no lost vote
    assert sum(choice == BallotChoice.ABSTAIN for choice in kept.values()) == 4


def test_votes_racing_the_close_are_either_in_the_result_or_refused(
    app, make_user, secretariat, make_vote_case
):
    from thinktank.cases import lifecycle
    from thinktank.cases.models import Case

    vote = make_vote_case()
    voters = [make_user() for _ in range(THREADS - 1)]
    refused: list[int] = []

    def work(i: int) -> None:
        if i == THREADS - 1:
            with transaction():
                staff = db.session.get(User, secretariat.id)
                lifecycle.transition(staff, db.session.get(Case, vote.id), "close_voting")
            return
        try:
            _cast_as(voters[i].id, vote.id, BallotChoice.POSITION, vote.positions[0])
        except InvalidTransition:
            refused.append(i)

    assert _together(app, THREADS, work) == []
    with app.app_context():
        kept = set(db.session.scalars(select(Ballot.voter_id).where(Ballot.case_id == vote.id)))
        snapshot = db.session.get(VoteResult, vote.id).snapshot
    counted = {entry["voter_id"] for entry in snapshot["votes"]}
    assert kept == counted  # every kept ballot is in the frozen result
    assert len(kept) + len(refused) == len(voters)
    assert snapshot["positions"][0]["count"] == len(kept)


def test_requests_closing_a_due_vote_at_once_freeze_one_result(app, member, make_vote_case):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from thinktank.cases.models import CaseTransition
    from thinktank.voting.closing import close_due_votes
    from thinktank.voting.models import VotingRound

    vote = make_vote_case(closes_at=datetime.now(UTC) + timedelta(hours=1))
    with app.app_context():
        voter = db.session.get(User, member.id)
        with transaction():
            cast_ballot(voter, vote.id, BallotChoice.POSITION, vote.positions[0])
        db.session.execute(update(VotingRound).values(closes_at=datetime.now(UTC)))
        db.session.commit()
    closed: list[int] = []

    def work(_i: int) -> None:
        with transaction():  # a page view: its due moves, then its one commit
            closed.append(close_due_votes(vote.id))

    assert _together(app, THREADS, work) == []
    assert sum(closed) == 1  # one request closed it; the others found it closed
    with app.app_context():
        steps = db.session.scalar(
            select(func.count(CaseTransition.id)).where(CaseTransition.action == "close_voting")
        )
        assert steps == 1
        assert db.session.get(VoteResult, vote.id).snapshot["ballots"] == 1
