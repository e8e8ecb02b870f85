"""Nothing a page hides is in the API or its exports: for each kind of hidden data, the
world holds some, every endpoint and export is walked, and it is nowhere."""

from __future__ import annotations

import pytest

from tests.api_world import (
    close_vote,
    openapi_of,
    remove_own_comment,
    revise_working_copy,
    walk,
)
from tests.conftest import cast


@pytest.fixture
def world(
    app,
    make_case,
    make_comment,
    make_recommendation,
    make_vote_case,
    make_user,
    client_as,
    member,
    secretariat,
):
    """One of each kind of hidden thing, beside public ones that must be found."""
    other = make_user()
    public = make_case(state="open", visibility="public", title="SYNLIG-SAG om ledighed")
    make_case(state="open", visibility="members", title="HEMMELIG-SAG kun for medlemmer")
    make_case(author=member, state="draft", visibility="public", title="KLADDE-SAG i skuffen")
    removed = make_comment(public, member, body="FJERNET-TEKST som ingen må se")
    make_comment(public, other, body="SYNLIG-SVAR på den fjernede", parent=removed)
    remove_own_comment(app, member, removed.id)
    voting = make_vote_case(visibility="public", title="AFSTEMNING-I-GANG")
    cast(client_as(member), voting.id, voting.positions[0], "HEMMELIG-STEMME før lukning")
    frozen = make_vote_case(visibility="public", title="AFSTEMNING-LUKKET")
    cast(client_as(member), frozen.id, frozen.positions[1], "SYNLIG-BEGRUNDELSE efter lukning")
    close_vote(app, secretariat, frozen.id)
    published = make_recommendation(status="published", title="SYNLIG-ANBEFALING", case=frozen)
    revise_working_copy(app, secretariat, published.id, "NY-ARBEJDSKOPI ikke udgivet")
    make_recommendation(status="draft", title="UDKAST-ANBEFALING")
    make_recommendation(status="review", title="HØRING-ANBEFALING")
    members_only = make_case(state="closed", visibility="members", title="LUKKET-MEDLEMSSAG")
    on_hidden = make_recommendation(
        status="published", title="ANBEFALING-PÅ-MEDLEMSSAG", case=members_only
    )
    return {"published": published, "on_hidden": on_hidden, "removed": removed}


@pytest.fixture
def walked(world, client):
    return walk(client, openapi_of(client))


def _everywhere(walked: dict[str, str]) -> str:
    return "\n".join(walked.values())


def test_the_walk_reaches_every_endpoint_and_export(walked):
    paths = set(walked)
    for expected in (
        "/api/v1/recommendations/",
        "/api/v1/recommendations/{}/versions/1",
        "/api/v1/cases/",
        "/api/v1/members/",
        "/api/v1/log",
        "/api/v1/vocabularies",
        "/api/v1/exports/recommendations.csv",
        "/api/v1/exports/recommendations.json",
        "/api/v1/exports/members.csv",
        "/api/v1/exports/members.json",
    ):
        prefix, _, rest = expected.partition("{}")
        assert any(p.startswith(prefix) and p.endswith(rest) for p in paths), expected
    text = _everywhere(walked)
    # the public things are there, so their absence below means something
    for visible in ("SYNLIG-SAG", "SYNLIG-SVAR", "SYNLIG-ANBEFALING", "SYNLIG-BEGRUNDELSE"):
        assert visible in text, visible


@pytest.mark.parametrize(
    "hidden",
    [
        pytest.param("HEMMELIG-SAG", id="members-only case"),
        pytest.param("LUKKET-MEDLEMSSAG", id="members-only closed case"),
        pytest.param("KLADDE-SAG", id="draft case"),
        pytest.param("FJERNET-TEKST", id="removed comment"),
        pytest.param("HEMMELIG-STEMME", id="ballot before the result is frozen"),
        pytest.param("UDKAST-ANBEFALING", id="recommendation draft"),
        pytest.param("HØRING-ANBEFALING", id="recommendation in review"),
        pytest.param("NY-ARBEJDSKOPI", id="working copy of a published recommendation"),
        pytest.param("@example.dk", id="e-mail addresses"),
    ],
)
def test_hidden_data_is_in_no_endpoint_and_no_export(walked, hidden):
    leaks = [path for path, body in walked.items() if hidden in body]
    assert not leaks, f"{hidden} found in {leaks}"


def test_a_ballot_is_not_counted_in_public_before_closing(world, client):
    found = client.get("/api/v1/cases?state=voting").get_json()["items"]
    case = next(c for c in found if c["title"] == "AFSTEMNING-I-GANG")
    detail = client.get(case["api_url"]).get_json()
    assert detail["vote_result"] is None
    assert [p["title"] for p in detail["positions"]] == ["Ja, på betingelser", "Nej"]


def test_hidden_objects_answer_404_problems(world, client):
    from thinktank.extensions import db
    from thinktank.recommendations.models import Recommendation

    with client.application.app_context():
        drafts = db.session.scalars(
            db.select(Recommendation.id).where(Recommendation.current_version == 0)
        ).all()
    assert drafts
    for rid in drafts:
        response = client.get(f"/api/v1/recommendations/{rid}")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert client.get(f"/api/v1/recommendations/{rid}/versions/1").status_code == 404


def test_a_members_only_case_is_404_and_its_recommendation_names_no_case(world, client):
    body = client.get(f"/api/v1/recommendations/{world['on_hidden'].id}").get_json()
    assert body["case"] is None
    case_id = world["on_hidden"].case_id
    response = client.get(f"/api/v1/cases/{case_id}")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_a_removed_comment_keeps_its_place_in_the_tree_without_text_or_author(world, client):
    found = client.get("/api/v1/cases?state=open").get_json()["items"]
    case = next(c for c in found if c["title"].startswith("SYNLIG-SAG"))
    discussion = client.get(case["api_url"]).get_json()["discussion"]
    removed = next(c for c in discussion if c["id"] == world["removed"].id)
    assert removed["removed"] is True and removed["removal"] == "author"
    assert removed["body"] is None and removed["body_html"] is None and removed["author"] is None
    assert removed["replies"][0]["body"].startswith("SYNLIG-SVAR")


def test_a_logged_in_member_gets_only_public_data_too(world, client_as, member):
    text = _everywhere(walk(client_as(member)))
    assert "HEMMELIG-SAG" not in text
    assert "UDKAST-ANBEFALING" not in text
