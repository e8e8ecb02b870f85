"""A comment can be an argument for or against one of the case's positions; the case page
shows each position's arguments, and the recommendation shows the frozen vote."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import cast, page_text
from thinktank.accounts.roles import Role
from thinktank.discussion.models import Comment, Stance
from thinktank.extensions import db


def _post(client, case_id, body, argument=""):
    return client.post(
        f"/discussions/case/{case_id}/comments", data={"body": body, "argument": argument}
    )


def test_argument_for_a_position_is_stored_and_shown(app, client_as, member, make_vote_case):
    vote = make_vote_case(visibility="public")
    ja, nej = vote.positions
    client = client_as(member)
    form = client.get(f"/cases/{vote.id}").get_data(as_text=True)
    assert f'value="for:{ja}"' in form and f'value="against:{nej}"' in form
    _post(client, vote.id, "Med klare betingelser kan det forsvares.", f"for:{ja}")
    _post(client, vote.id, "Det går ud over tilliden.", f"against:{ja}")
    _post(client, vote.id, "En generel bemærkning.")
    with app.app_context():
        stored = {c.body: (c.stance, c.position_id) for c in db.session.scalars(select(Comment))}
    assert stored["Med klare betingelser kan det forsvares."] == (Stance.FOR, ja)
    assert stored["Det går ud over tilliden."] == (Stance.AGAINST, ja)
    assert stored["En generel bemærkning."] == (None, None)
    text = page_text(client_as(None).get(f"/cases/{vote.id}"))
    assert "Argument for: Ja, på betingelser" in text
    assert "Argumenter for (1)" in text and "Argumenter imod (1)" in text


@pytest.mark.parametrize("argument", ["for:999999", "maybe:{ja}", "for:", "against:abc"])
def test_arguments_must_name_a_position_of_this_case(
    app, client_as, member, make_vote_case, argument
):
    vote = make_vote_case()
    other = make_vote_case(positions=("A", "B"))
    argument = argument.replace("{ja}", str(vote.positions[0])).replace(
        "999999", str(other.positions[0])
    )
    response = _post(client_as(member), vote.id, "Et argument", argument)
    assert response.status_code == 400
    assert "Vælg en af sagens holdninger og for eller imod." in page_text(response)
    with app.app_context():
        assert all(c.position_id is None for c in db.session.scalars(select(Comment)))


def test_removed_arguments_drop_out_of_the_position(
    app, client_as, member, secretariat, make_vote_case, make_comment
):
    vote = make_vote_case(visibility="public")
    ja = vote.positions[0]
    from thinktank.cases.models import Case

    with app.app_context():
        case = db.session.get(Case, vote.id)
        db.session.expunge(case)
    comment = make_comment(case, member, "Et argument", stance="for", position_id=ja)
    client_as(secretariat).post(f"/comments/{comment.id}/remove", data={"reason": "Test"})
    assert "Argumenter for" not in page_text(client_as(None).get(f"/cases/{vote.id}"))


def test_recommendation_shows_the_frozen_vote_and_who_took_part(
    app, client_as, make_user, secretariat, make_vote_case, make_recommendation
):
    from thinktank.cases.models import Case

    vote = make_vote_case(visibility="public")
    ja, nej = vote.positions
    voters = [make_user(Role.MEMBER, display_name=f"Vælger {n}") for n in range(3)]
    for voter, choice in zip(voters, [ja, ja, nej], strict=True):
        cast(client_as(voter), vote.id, choice, "Fordi")
    client_as(secretariat).post(f"/cases/{vote.id}/transition", data={"move": "close_voting"})
    with app.app_context():
        case = db.session.get(Case, vote.id)
        db.session.expunge(case)
    recommendation = make_recommendation("published", case=case)
    text = page_text(client_as(None).get(f"/recommendations/{recommendation.id}"))
    assert "Afstemningen" in text and "Ja, på betingelser" in text
    assert "2 stemmer (67" in text or "2 stemmer (66" in text
    assert "Hvem deltog" in text and "Vælger 0" in text and "Vælger 2" in text
