"""Bad input from a client is a 404 or a form error, never a 500: numbers larger than the
database holds, control characters in a ``next`` address or in text."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, page_text
from thinktank.extensions import db
from thinktank.recommendations.models import Recommendation

HUGE = [2**63, 10**30]
_PART = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _path(rule, number: int) -> str:
    """The rule's path with every number part set to ``number`` and other parts filled in."""

    def fill(match):
        converter, name = match.groups()
        if converter == "int":
            return str(number)
        return "case" if name == "kind" else "x"

    return _PART.sub(fill, rule.rule)


def _int_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "int" in _converters(rule)]


def _converters(rule) -> set[str]:
    return {converter or "default" for converter, _name in _PART.findall(rule.rule)}


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("role", ["anonymous", "member", "secretariat"])
def test_a_number_too_large_for_the_database_is_not_found_on_every_route(
    app, role_clients, role, number
):
    client = role_clients[role]
    rules = _int_rules(app)
    assert len(rules) > 40  # the walk sees the whole app
    answers = {}
    for rule in rules:
        path = _path(rule, number)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.get(path) if method == "GET" else client.post(path, data={})
            answers[f"{method} {path}"] = response.status_code
    assert {key: status for key, status in answers.items() if status != 404} == {}


@pytest.mark.parametrize("number", HUGE)
def test_a_page_number_too_large_is_not_found_on_every_list(app, role_clients, number):
    lists = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments
    ]
    for role in ("anonymous", "member", "secretariat", "admin"):
        client = role_clients[role]
        statuses = {path: client.get(f"{path}?page={number}").status_code for path in lists}
        assert all(status != 500 for status in statuses.values()), (role, statuses)
        assert statuses["/log"] == 404 and statuses["/recommendations/"] == 404
    assert role_clients["admin"].get(f"/admin/audit?page={number}").status_code == 404


def test_a_page_that_is_not_a_number_still_shows_the_first_page(client):
    assert client.get("/log?page=abc").status_code == 200
    assert client.get("/log?page=2147483647").status_code == 200  # past the end: empty


@pytest.mark.parametrize("argument", ["to", "from"])
def test_a_version_number_too_large_in_the_diff_is_not_found(
    client_as, make_recommendation, argument
):
    recommendation = make_recommendation("published")
    path = f"/recommendations/{recommendation.id}/diff?{argument}={2**63}"
    assert client_as(None).get(path).status_code == 404
    assert client_as(None).get(path.replace(str(2**63), f"-{10**30}")).status_code == 404


@pytest.mark.parametrize("by", [str(2**63), str(10**30), "²"])
def test_superseding_by_a_number_no_recommendation_can_have_is_a_form_error(
    app, client_as, secretariat, make_recommendation, by
):
    old = make_recommendation("published", title="Gammel anbefaling")
    make_recommendation("published", title="Ny anbefaling")
    response = client_as(secretariat).post(
        f"/recommendations/{old.id}/supersede", data={"by": by}, follow_redirects=True
    )
    assert response.status_code == 400
    assert "Afløst af: Vælg en anden udgivet anbefaling." in page_text(response)
    with app.app_context():
        assert db.session.get(Recommendation, old.id).superseded_by_id is None


def test_citing_a_comment_number_too_large_is_refused(app, client_as, secretariat, make_case):
    case = make_case(state="closed", visibility="public")
    response = client_as(secretariat).post(
        f"/cases/{case.id}/recommendation",
        data={
            "title": "Brug kun rådgivende modeller",
            "summary": "Kort resumé.",
            "body": "Tekst.",
            "citations": [str(2**63)],
        },
    )
    assert response.status_code in (200, 400)
    assert "Brug kun rådgivende modeller" in response.get_data(as_text=True)  # kept
    with app.app_context():
        assert db.session.scalar(select(Recommendation)) is None


@pytest.mark.parametrize("argument", [f"for:{2**63}", "against:²"])
def test_an_argument_for_a_position_number_too_large_is_refused(
    app, client_as, member, make_vote_case, argument
):
    vote = make_vote_case(visibility="public")
    response = client_as(member).post(
        f"/discussions/case/{vote.id}/comments",
        data={"body": "Et argument med tal", "argument": argument},
    )
    assert response.status_code in (200, 400)
    assert "Et argument med tal" in response.get_data(as_text=True)  # kept


def test_a_turnout_too_large_is_a_form_error(client_as, secretariat, make_case):
    case = make_case(state="open")
    response = client_as(secretariat).post(
        f"/cases/{case.id}/voting/start",
        data={"start-open_results": "no", "start-min_turnout": str(10**30)},
    )
    assert response.status_code in (200, 400)
    assert "Angiv den mindste deltagelse" in page_text(response)


#: Sent percent-encoded (%0a, %0d%0a, %00, %09, %1b), as in a link.
CONTROL_NEXT = [
    "/profile\n",
    "/profile\r\nSet-Cookie: x=1",
    "/pro\x00file",
    "/\t/evil.example",
    "/x\x1b",
]


@pytest.mark.parametrize("target", CONTROL_NEXT)
def test_a_control_character_in_next_falls_back_to_the_front_page_on_language(client, target):
    response = client.post("/language", data={"language": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "thinktank_lang=en" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("target", CONTROL_NEXT)
def test_a_control_character_in_next_falls_back_to_the_front_page_on_login(
    client_as, member, target
):
    signing_in = client_as(None)
    query = {"next": target}
    shown = signing_in.get("/login", query_string=query)
    assert shown.status_code == 200
    response = signing_in.post(
        "/login", query_string=query, data={"email": member.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    already = client_as(member).get("/login", query_string=query)
    assert already.status_code == 302 and already.headers["Location"] == "/"


def test_a_plain_next_page_still_works(client_as, member):
    response = client_as(None).post(
        "/login?next=/profile", data={"email": member.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/profile"
    assert client_as(None).post("/language", data={"next": "/cases/"}).headers["Location"] == (
        "/cases/"
    )
