"""The secretariat groups the vote's conditions while drafting and cites a group; the
published version shows the group with its conditions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import assert_page_safe, ballot_form, page_text
from thinktank.extensions import db
from thinktank.recommendations.models import Citation, ConditionGroup, RecommendationVersion
from thinktank.voting.models import VoteResult

HOSTILE = (
    '<script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3)) **Gratis**'
)


def _vote(client, case_id, position_id, conditions=None):
    data = ballot_form(position_id)
    if conditions:
        data |= {"ballot-conditional": "y", "ballot-conditions": conditions}
    assert client.post(f"/cases/{case_id}/vote", data=data).status_code == 302


def _conditional_case(make_user, client_as, make_vote_case, secretariat, texts):
    vote = make_vote_case(visibility="public")
    for n, text in enumerate(texts):
        _vote(client_as(make_user(display_name=f"Betinger {n}")), vote.id, vote.positions[0], text)
    _vote(client_as(make_user(display_name="Ubetinget")), vote.id, vote.positions[0])
    client_as(secretariat).post(f"/cases/{vote.id}/transition", data={"move": "close_voting"})
    return vote


@pytest.fixture
def drafting(app, make_user, client_as, make_vote_case, secretariat, make_recommendation):
    texts = ["Borgerne får aktindsigt.", "Borgeren kan se sine data.", "Kun som forsøg.", HOSTILE]
    vote = _conditional_case(make_user, client_as, make_vote_case, secretariat, texts)
    recommendation = make_recommendation(status="review", case=vote)
    with app.app_context():
        snapshot = db.session.get(VoteResult, vote.id).snapshot
    ids = {v["conditions"]: v["condition_id"] for v in snapshot["votes"] if v["conditional"]}
    return recommendation, ids


def _group(client, recommendation, title, condition_ids):
    return client.post(
        f"/recommendations/{recommendation.id}/conditions",
        data={"title": title, "conditions": [str(i) for i in condition_ids]},
    )


def test_the_secretariat_groups_conditions_that_say_the_same(app, client_as, secretariat, drafting):
    recommendation, ids = drafting
    client = client_as(secretariat)
    draft = page_text(client.get(f"/recommendations/{recommendation.id}/draft"))
    assert "Gruppér og citér afstemningens betingelser" in draft  # the way there is a link
    same = [ids["Borgerne får aktindsigt."], ids["Borgeren kan se sine data."]]
    assert _group(client, recommendation, "Borgerne får indsigt", same).status_code == 302
    text = page_text(client.get(f"/recommendations/{recommendation.id}/conditions"))
    assert "Borgerne får indsigt" in text and "Betinger 0" in text
    with app.app_context():
        assert db.session.scalar(select(ConditionGroup.title)) == "Borgerne får indsigt"
    # a grouped condition cannot go in a second group
    again = _group(client, recommendation, "Igen", [same[0]])
    assert again.status_code == 400
    assert "endnu ikke er i en gruppe" in page_text(again)


def test_a_group_needs_a_name_and_conditions_and_keeps_what_was_typed(
    client_as, secretariat, drafting
):
    recommendation, ids = drafting
    client = client_as(secretariat)
    nameless = _group(client, recommendation, "  ", [ids["Kun som forsøg."]])
    assert nameless.status_code == 400 and "Giv gruppen et navn." in page_text(nameless)
    empty = _group(client, recommendation, "Forsøg først", [])
    assert empty.status_code == 400
    assert "Vælg de betingelser, der siger det samme." in page_text(empty)
    assert 'value="Forsøg først"' in empty.get_data(as_text=True)
    unknown = _group(client, recommendation, "Ukendt", [999_999])
    assert unknown.status_code == 400


@pytest.mark.parametrize("who", ["anonymous", "reader", "member"])
def test_only_the_secretariat_groups_and_cites_conditions(
    app, role_clients, drafting, who, client_as, secretariat
):
    recommendation, ids = drafting
    assert (
        _group(client_as(secretariat), recommendation, "G", [ids["Kun som forsøg."]]).status_code
        == 302
    )
    with app.app_context():
        group_id = db.session.scalar(select(ConditionGroup.id))
    client = role_clients[who]
    base = f"/recommendations/{recommendation.id}/conditions"
    expected = {"anonymous": (302, 401), "reader": (403, 404), "member": (403,)}[who]
    assert client.get(base).status_code in expected
    assert (
        _group(client, recommendation, "Min", [ids["Borgerne får aktindsigt."]]).status_code
        in expected
    )
    assert client.post(f"{base}/{group_id}/cite", data={"cited": "1"}).status_code in expected
    assert client.post(f"{base}/{group_id}/dissolve", data={}).status_code in expected
    if who == "member":
        assert "Gruppér og citér" not in page_text(
            client.get(f"/recommendations/{recommendation.id}/draft")
        )
    with app.app_context():
        assert (
            db.session.scalar(select(Citation.id).where(Citation.condition_group_id.is_not(None)))
            is None
        )
        assert len(db.session.scalars(select(ConditionGroup)).all()) == 1


def test_a_cited_group_is_published_with_its_conditions(
    app, client_as, secretariat, drafting, client
):
    recommendation, ids = drafting
    staff = client_as(secretariat)
    same = [ids["Borgerne får aktindsigt."], ids["Borgeren kan se sine data."], ids[HOSTILE]]
    _group(staff, recommendation, "Borgerne får indsigt", same)
    with app.app_context():
        group_id = db.session.scalar(select(ConditionGroup.id))
    base = f"/recommendations/{recommendation.id}/conditions"
    assert staff.post(f"{base}/{group_id}/cite", data={"cited": "1"}).status_code == 302
    # saving the working copy keeps the cited group (only comment citations are replaced)
    edit = staff.get(f"/recommendations/{recommendation.id}/edit").get_data(as_text=True)
    version_field = re.search(r'name="edit_version"[^>]*value="(\d+)"', edit) or re.search(
        r'value="(\d+)"[^>]*name="edit_version"', edit
    )
    saved = staff.post(
        f"/recommendations/{recommendation.id}/edit",
        data={
            "title": "Brug kun rådgivende modeller",
            "summary": "Kort.",
            "body": "Se betingelserne nedenfor.",
            "edit_version": version_field.group(1),
        },
    )
    assert saved.status_code == 302
    assert staff.post(f"/recommendations/{recommendation.id}/publish", data={}).status_code == 302
    with app.app_context():
        version = db.session.scalar(select(RecommendationVersion))
        cited = [c for c in version.citations if c.get("kind") == "condition_group"]
    assert cited[0]["title"] == "Borgerne får indsigt" and len(cited[0]["conditions"]) == 3
    html = client.get(f"/recommendations/{recommendation.id}").get_data(as_text=True)
    assert_page_safe(html)
    assert f'id="betingelser-{group_id}"' in html
    text = page_text(client.get(f"/recommendations/{recommendation.id}"))
    assert "Betingelser fra afstemningen: Borgerne får indsigt" in text
    assert "Borgerne får aktindsigt." in text and "Betinger 0" in text
    assert "<strong>Gratis</strong>" in html and "<script>alert(1)" not in html


def test_anonymously_shown_the_published_conditions_carry_no_names(
    app, client_as, secretariat, drafting
):
    recommendation, ids = drafting
    staff = client_as(secretariat)
    _group(staff, recommendation, "Forsøg", [ids["Kun som forsøg."]])
    with app.app_context():
        group_id = db.session.scalar(select(ConditionGroup.id))
    staff.post(
        f"/recommendations/{recommendation.id}/conditions/{group_id}/cite", data={"cited": "1"}
    )
    staff.post(f"/recommendations/{recommendation.id}/publish", data={})
    from thinktank.recommendations.views import _render_version

    with app.test_request_context("/"):
        html, _status = _render_version(recommendation.id, None, anonymous=True)
    section = html.split('id="betingelser-', 1)[1].split("</figure>", 1)[0]
    assert "Kun som forsøg." in section and "Betinger" not in section
    conditions = html.split('id="result-conditions"', 1)[1].split('id="votes-title"', 1)[0]
    assert "Kun som forsøg." in conditions and "Betinger" not in conditions


@pytest.mark.parametrize("page", ["published", "draft"])
def test_the_recommendation_pages_run_a_fixed_number_of_queries_with_more_conditions(
    app, make_user, client_as, make_vote_case, secretariat, make_recommendation, count_queries, page
):
    staff = client_as(secretariat)
    urls = {}
    for size in (2, 12):
        texts = [f"Betingelse nr. {n}" for n in range(size)]
        vote = _conditional_case(make_user, client_as, make_vote_case, secretariat, texts)
        recommendation = make_recommendation(status="review", case=vote, title=f"Anbefaling {size}")
        with app.app_context():
            snapshot = db.session.get(VoteResult, vote.id).snapshot
        ids = [v["condition_id"] for v in snapshot["votes"] if v["conditional"]]
        for half in (ids[: size // 2], ids[size // 2 :]):
            _group(staff, recommendation, f"Gruppe {half[0]}", half)
        with app.app_context():
            group_ids = db.session.scalars(
                select(ConditionGroup.id).where(
                    ConditionGroup.recommendation_id == recommendation.id
                )
            ).all()
        for group_id in group_ids:
            staff.post(
                f"/recommendations/{recommendation.id}/conditions/{group_id}/cite",
                data={"cited": "1"},
            )
        if page == "published":
            assert (
                staff.post(f"/recommendations/{recommendation.id}/publish", data={}).status_code
                == 302
            )
            urls[size] = f"/recommendations/{recommendation.id}"
        else:
            urls[size] = f"/recommendations/{recommendation.id}/draft"
    staff.get(urls[2])
    with count_queries() as few:
        small = staff.get(urls[2])
    with count_queries() as many:
        large = staff.get(urls[12])
    assert small.status_code == large.status_code == 200
    assert "Betingelse nr. 11" in page_text(large)
    assert few.count == many.count, str(many)


def test_a_deleted_account_leaves_its_published_condition_without_its_name(
    app, client_as, secretariat, admin, drafting
):
    from thinktank.accounts.models import User

    recommendation, ids = drafting
    staff = client_as(secretariat)
    _group(staff, recommendation, "Forsøg", [ids["Kun som forsøg."]])
    with app.app_context():
        group_id = db.session.scalar(select(ConditionGroup.id))
        voter = db.session.scalar(select(User).where(User.display_name == "Betinger 2"))
    staff.post(
        f"/recommendations/{recommendation.id}/conditions/{group_id}/cite", data={"cited": "1"}
    )
    assert staff.post(f"/recommendations/{recommendation.id}/publish", data={}).status_code == 302
    deleted = client_as(admin).post(
        f"/admin/users/{voter.id}/delete", data={"reason": "Ønsket", "confirm": "y"}
    )
    assert deleted.status_code == 302
    with app.app_context():
        version = db.session.scalar(select(RecommendationVersion))
    (group,) = [c for c in version.citations if c.get("kind") == "condition_group"]
    assert group["conditions"][0]["name"] != "Betinger 2"
    assert group["conditions"][0]["conditions"] == "Kun som forsøg."
