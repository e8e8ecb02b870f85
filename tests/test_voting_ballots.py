"""Casting a ballot: one per member and case, changeable until closing, every change kept;
readers, closed cases, foreign positions and unseen cases are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import ballot_form, cast, page_text
from thinktank.accounts.roles import Role
from thinktank.extensions import db
from thinktank.voting.models import Ballot, BallotChange, BallotChoice


def _ballots(app, case_id):
    with app.app_context():
        return list(
            db.session.scalars(select(Ballot).where(Ballot.case_id == case_id).order_by(Ballot.id))
        )


def _changes(app, ballot_id):
    with app.app_context():
        return list(
            db.session.scalars(
                select(BallotChange)
                .where(BallotChange.ballot_id == ballot_id)
                .order_by(BallotChange.id)
            )
        )


def test_member_casts_a_vote_with_a_reason(app, client_as, member, make_vote_case):
    vote = make_vote_case()
    client = client_as(member)
    response = cast(client, vote.id, vote.positions[0], "Kun med **ret til indsigt**.")
    assert response.status_code == 302 and response.headers["Location"].endswith("#ballot")
    [ballot] = _ballots(app, vote.id)
    assert (ballot.voter_id, ballot.choice, ballot.position_id) == (
        member.id,
        BallotChoice.POSITION,
        vote.positions[0],
    )
    assert ballot.reason_html == "<p>Kun med <strong>ret til indsigt</strong>.</p>"
    page = page_text(client.get(f"/cases/{vote.id}"))
    assert "Du stemte for »Ja, på betingelser«." in page and "Ændr din stemme" in page


def test_member_changes_the_vote_and_every_change_is_kept(app, client_as, member, make_vote_case):
    vote = make_vote_case()
    client = client_as(member)
    cast(client, vote.id, vote.positions[0])
    cast(client, vote.id, vote.positions[1], "Jeg har skiftet mening.")
    cast(client, vote.id, "abstain")
    [ballot] = _ballots(app, vote.id)
    assert (ballot.choice, ballot.position_id, ballot.reason) == (BallotChoice.ABSTAIN, None, "")
    assert ballot.updated_at > ballot.cast_at
    history = [(c.choice, c.position_id, c.reason) for c in _changes(app, ballot.id)]
    assert history == [
        (BallotChoice.POSITION, vote.positions[0], ""),
        (BallotChoice.POSITION, vote.positions[1], "Jeg har skiftet mening."),
        (BallotChoice.ABSTAIN, None, ""),
    ]
    assert "Du stemte blankt." in page_text(client.get(f"/cases/{vote.id}"))


def test_member_recuses_with_a_conflict_of_interest(app, client_as, member, make_vote_case):
    vote = make_vote_case()
    client = client_as(member)
    cast(client, vote.id, "recuse", "Min arbejdsgiver leverer modellen.")
    [ballot] = _ballots(app, vote.id)
    assert ballot.choice == BallotChoice.RECUSE and ballot.position_id is None
    page = page_text(client.get(f"/cases/{vote.id}"))
    assert "Du erklærede dig inhabil på grund af en interessekonflikt." in page
    # recused members are not counted: 0 of (the member + the secretariat - 1 recused)
    assert "0 af 1 stemmeberettiget medlem har stemt." in page


def test_the_secretariat_may_vote_like_a_member(app, client_as, secretariat, make_vote_case):
    vote = make_vote_case()
    assert cast(client_as(secretariat), vote.id, vote.positions[1]).status_code == 302
    assert [b.voter_id for b in _ballots(app, vote.id)] == [secretariat.id]


def test_the_vote_page_shows_the_positions_and_the_current_vote(client_as, member, make_vote_case):
    vote = make_vote_case()
    client = client_as(member)
    cast(client, vote.id, vote.positions[1], "Min begrundelse")
    html = client.get(f"/cases/{vote.id}/vote").get_data(as_text=True)
    assert (
        f'<input checked id="ballot-choice-1" name="ballot-choice" type="radio" value="{vote.positions[1]}">'
        in html
    )
    assert "Min begrundelse" in html


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("reader", 403), ("admin", 403)])
def test_readers_anonymous_users_and_operators_cannot_vote(
    app, role_clients, make_vote_case, who, status
):
    vote = make_vote_case(visibility="public")
    assert cast(role_clients[who], vote.id, vote.positions[0]).status_code == status
    assert _ballots(app, vote.id) == []
    assert 'name="ballot-choice"' not in role_clients[who].get(f"/cases/{vote.id}").get_data(
        as_text=True
    )


def test_a_deactivated_member_cannot_vote(app, client_as, make_user, make_vote_case):
    former = make_user(Role.MEMBER, active=False)
    vote = make_vote_case()
    response = cast(client_as(former), vote.id, vote.positions[0])
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _ballots(app, vote.id) == []


@pytest.mark.parametrize("state", ["open", "closed", "archived"])
def test_a_vote_on_a_case_not_in_voting_is_refused(
    app, client_as, member, secretariat, make_vote_case, make_case, state
):
    if state == "open":
        case_id, position = make_case(state="open").id, 1
    else:
        vote = make_vote_case()
        move = "close_voting" if state == "closed" else "archive"
        client_as(secretariat).post(f"/cases/{vote.id}/transition", data={"move": move})
        case_id, position = vote.id, vote.positions[0]
    response = cast(client_as(member), case_id, position)
    assert response.status_code == 409
    assert "Afstemningen om sagen er lukket" in page_text(response)
    assert _ballots(app, case_id) == []
    assert client_as(member).get(f"/cases/{case_id}/vote").status_code == 409


def test_a_vote_for_a_position_of_another_case_is_refused(app, client_as, member, make_vote_case):
    one, two = make_vote_case(), make_vote_case()
    response = cast(client_as(member), one.id, two.positions[0])
    assert response.status_code == 400 and "Ikke et gyldigt valg." in page_text(response)
    assert _ballots(app, one.id) == []


def test_the_service_refuses_another_cases_position_and_the_database_would_too(
    app, member, make_vote_case
):
    from thinktank.accounts.models import User
    from thinktank.errors import ValidationFailed
    from thinktank.voting.ballots import cast_ballot

    one, two = make_vote_case(), make_vote_case()
    with app.test_request_context("/"):
        voter = db.session.get(User, member.id)
        with pytest.raises(ValidationFailed):
            cast_ballot(voter, one.id, BallotChoice.POSITION, two.positions[0])
        with pytest.raises(ValidationFailed):
            cast_ballot(voter, one.id, BallotChoice.ABSTAIN, one.positions[0])
        db.session.rollback()
        # the composite foreign key: a ballot's position belongs to the ballot's case
        db.session.add(
            Ballot(
                case_id=one.id,
                voter_id=member.id,
                choice=BallotChoice.POSITION,
                position_id=two.positions[0],
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_vote_on_a_case_the_member_cannot_see_is_refused(app, client_as, make_user, make_case):
    author = make_user()
    draft = make_case(author=author, state="draft")
    response = cast(client_as(make_user()), draft.id, 1)
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Ballot.id))) == 0


def test_a_reader_cannot_vote_on_a_members_only_case(app, client_as, reader, make_vote_case):
    vote = make_vote_case(visibility="members")
    assert cast(client_as(reader), vote.id, vote.positions[0]).status_code == 403
    assert _ballots(app, vote.id) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ballot_form(""), "Vælg en holdning, stem blankt, eller erklær dig inhabil."),
        (ballot_form("maybe"), "Ikke et gyldigt valg."),
        (ballot_form("abstain", "x" * 5001), "Højst 5.000 tegn."),
    ],
)
def test_an_incomplete_vote_is_shown_again_with_the_error(
    app, client_as, member, make_vote_case, data, message
):
    vote = make_vote_case()
    response = client_as(member).post(f"/cases/{vote.id}/vote", data=data)
    assert response.status_code == 400 and message in page_text(response)
    assert _ballots(app, vote.id) == []


def test_a_vote_without_the_csrf_token_is_refused(app, client_as, member, make_vote_case):
    vote = make_vote_case()
    response = client_as(member).post(
        f"/cases/{vote.id}/vote", data=ballot_form(vote.positions[0]), csrf=False
    )
    assert response.status_code == 400
    assert _ballots(app, vote.id) == []


def test_the_database_allows_one_ballot_per_member_and_case(app, member, make_vote_case):
    vote = make_vote_case()
    with app.app_context():
        for _ in range(2):
            db.session.add(Ballot(case_id=vote.id, voter_id=member.id, choice=BallotChoice.ABSTAIN))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
