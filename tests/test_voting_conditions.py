"""Votes "yes, on conditions": the conditions are required, kept with the ballot and its
history, cleared by an unconditional vote, counted and listed in the frozen result."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import assert_page_safe, ballot_form, page_text
from thinktank.extensions import db
from thinktank.voting.models import Ballot, BallotChange, VoteResult
from thinktank.voting.tally import result_view

HOSTILE = (
    '<script>alert(1)</script> [klik](javascript:alert(2)) <img src=x onerror="alert(3)">'
    " **Kun** med indsigt"
)


def vote(client, case_id, choice, conditions=None, reason=""):
    data = ballot_form(choice, reason)
    if conditions is not None:
        data |= {"ballot-conditional": "y", "ballot-conditions": conditions}
    return client.post(f"/cases/{case_id}/vote", data=data)


@pytest.fixture
def voting(make_vote_case):
    return make_vote_case(visibility="public")


def _ballot(app, case_id, voter):
    with app.app_context():
        ballot = db.session.scalar(
            select(Ballot).where(Ballot.case_id == case_id, Ballot.voter_id == voter.id)
        )
        changes = db.session.scalars(
            select(BallotChange)
            .where(BallotChange.ballot_id == ballot.id)
            .order_by(BallotChange.id)
        ).all()
        db.session.expunge_all()
        return ballot, changes


def test_a_member_votes_yes_on_conditions(app, client_as, member, voting):
    ja = voting.positions[0]
    assert vote(client_as(member), voting.id, ja, "Kun med **aktindsigt**.").status_code == 302
    ballot, changes = _ballot(app, voting.id, member)
    assert ballot.conditional and ballot.conditions == "Kun med **aktindsigt**."
    assert "<strong>aktindsigt</strong>" in ballot.conditions_html
    assert changes[-1].conditional and changes[-1].conditions == ballot.conditions


def test_conditions_are_required_and_what_was_typed_is_kept(app, client_as, member, voting):
    client = client_as(member)
    response = vote(client, voting.id, voting.positions[0], "   ", reason="Min begrundelse")
    assert response.status_code == 400
    assert "Skriv de betingelser, du stemmer ja på." in page_text(response)
    assert "Min begrundelse" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Ballot.id).where(Ballot.case_id == voting.id)) is None


def test_conditions_longer_than_the_limit_are_refused_with_the_text_kept(client_as, member, voting):
    long = "betingelse " * 200
    response = vote(client_as(member), voting.id, voting.positions[0], long)
    assert response.status_code == 400
    assert "Højst" in page_text(response) or "at most" in page_text(response).lower()
    assert "betingelse betingelse" in response.get_data(as_text=True)


def test_abstaining_cannot_carry_conditions(client_as, member, voting):
    response = vote(client_as(member), voting.id, "abstain", "Hvis …")
    assert response.status_code == 400
    assert "Betingelser hører til en stemme på en holdning" in page_text(response)


def test_changing_to_an_unconditional_vote_clears_the_conditions(app, client_as, member, voting):
    client = client_as(member)
    ja = voting.positions[0]
    assert vote(client, voting.id, ja, "Kun som forsøg.").status_code == 302
    form = client.get(f"/cases/{voting.id}/vote").get_data(as_text=True)
    assert "Kun som forsøg." in form  # the form opens with the conditions given
    assert vote(client, voting.id, ja).status_code == 302  # the tick removed
    ballot, changes = _ballot(app, voting.id, member)
    assert not ballot.conditional and ballot.conditions == "" and ballot.conditions_html == ""
    assert [c.conditional for c in changes] == [True, False]


def test_the_result_counts_conditional_and_unconditional_votes_and_lists_conditions(
    app, make_user, client_as, secretariat, voting, client
):
    ja, nej = voting.positions
    names = []
    for n, (choice, conditions) in enumerate(
        [(ja, "Kun med aktindsigt."), (ja, "Kun i et forsøg."), (ja, None), (nej, None)]
    ):
        voter = make_user(display_name=f"Betinget {n}")
        names.append(voter.display_name)
        assert vote(client_as(voter), voting.id, choice, conditions).status_code == 302
    client_as(secretariat).post(f"/cases/{voting.id}/transition", data={"move": "close_voting"})
    with app.test_request_context("/"):
        snapshot = db.session.get(VoteResult, voting.id).snapshot
        named, hidden = result_view(snapshot), result_view(snapshot, anonymous=True)
    first = snapshot["positions"][0]
    assert (first["count"], first["conditional"]) == (3, 2)
    assert named.groups[0].unconditional == 1 and named.groups[1].conditional == 0
    assert {c.name for c in named.groups[0].conditions} == {"Betinget 0", "Betinget 1"}
    assert all(c.id for c in named.groups[0].conditions)  # stable ids to group them by
    assert {c.name for c in hidden.groups[0].conditions} == {""}
    text = page_text(client.get(f"/cases/{voting.id}"))
    assert "1 uden betingelser, 2 på betingelser" in text
    assert "Kun med aktindsigt." in text and "Kun i et forsøg." in text


def test_hostile_markdown_in_conditions_is_made_harmless(
    app, client_as, member, secretariat, voting, client
):
    assert vote(client_as(member), voting.id, voting.positions[0], HOSTILE).status_code == 302
    client_as(secretariat).post(f"/cases/{voting.id}/transition", data={"move": "close_voting"})
    html = client.get(f"/cases/{voting.id}").get_data(as_text=True)
    assert_page_safe(html)
    assert "<strong>Kun</strong> med indsigt" in html
    assert "<script>alert(1)" not in html


def test_rerendering_renders_the_conditions_again_from_their_source(
    app, client_as, member, secretariat, voting
):
    from sqlalchemy import update

    from thinktank.frozen import rewriting
    from thinktank.stored_html import rerender_all

    assert (
        vote(client_as(member), voting.id, voting.positions[0], "Kun **med** indsigt.").status_code
        == 302
    )
    client_as(secretariat).post(f"/cases/{voting.id}/transition", data={"move": "close_voting"})
    with app.app_context():
        db.session.execute(update(Ballot).values(conditions_html="<p>gammel</p>", markup_version=0))
        result = db.session.get(VoteResult, voting.id)
        with rewriting(VoteResult.snapshot, VoteResult.markup_version):
            votes = [v | {"conditions_html": "<p>gammel</p>"} for v in result.snapshot["votes"]]
            result.snapshot = result.snapshot | {"votes": votes}
            result.markup_version = 0
        db.session.commit()
        rerender_all()
        db.session.commit()
        ballot = db.session.scalar(select(Ballot))
        frozen = db.session.get(VoteResult, voting.id).snapshot["votes"][0]
    assert "<strong>med</strong>" in ballot.conditions_html
    assert "<strong>med</strong>" in frozen["conditions_html"]
