"""Bad input from a client is a 404 or a form error, never a 500: numbers larger than the
database holds, control characters in a ``next`` address or in text."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

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
    response = client.get("/language/en", query_string={"next": target})
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
    assert client_as(None).get("/language/da?next=/cases/").headers["Location"] == "/cases/"


#: What a user might paste: a NUL (PostgreSQL refuses it in text), an ANSI colour
#: escape, a bell; tab and line breaks are kept.
PASTED = "Linje\x00 et\x1b[31m rød\x07\tog\r\nto"
CLEAN = "Linje et[31m rød\tog\r\nto"


def _has_control(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\t\r\n" or ord(c) == 127 for c in text)


def test_control_characters_are_removed_from_a_comment(app, client_as, member, make_case):
    from thinktank.discussion.models import Comment

    case = make_case(state="open", visibility="public")
    response = client_as(member).post(
        f"/discussions/case/{case.id}/comments", data={"body": PASTED, "argument": ""}
    )
    assert response.status_code == 302
    with app.app_context():
        body = db.session.scalar(select(Comment.body))
    assert not _has_control(body) and "Linje et[31m rød" in body and "\tog" in body


def test_control_characters_are_removed_from_a_position(app, client_as, secretariat, make_case):
    from thinktank.voting.models import Position

    case = make_case(state="open")
    response = client_as(secretariat).post(
        f"/cases/{case.id}/positions/new",
        data={"position-title": "Ja\x00 på\x1b betingelser", "position-explanation": PASTED},
    )
    assert response.status_code == 302
    with app.app_context():
        position = db.session.scalar(select(Position))
    assert position.title == "Ja på betingelser"
    assert not _has_control(position.explanation) and "Linje et[31m rød" in position.explanation


def test_control_characters_are_removed_from_a_minority_opinion(
    app, client_as, member, make_recommendation
):
    from thinktank.recommendations.models import MinorityOpinion

    recommendation = make_recommendation("review")
    response = client_as(member).post(
        f"/recommendations/{recommendation.id}/opinion", data={"body": PASTED}
    )
    assert response.status_code == 302
    with app.app_context():
        body = db.session.scalar(select(MinorityOpinion.body))
    assert not _has_control(body) and "Linje et[31m rød" in body


def test_control_characters_are_removed_from_a_vote_reason(app, client_as, member, make_vote_case):
    from tests.conftest import cast
    from thinktank.voting.models import Ballot

    vote = make_vote_case()
    response = cast(client_as(member), vote.id, vote.positions[0], PASTED)
    assert response.status_code == 302
    with app.app_context():
        reason = db.session.scalar(select(Ballot.reason))
    assert not _has_control(reason) and "Linje et[31m rød" in reason


def test_every_text_field_of_every_form_drops_control_characters(app):
    from thinktank.forms import Form, is_free_text

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    forms = set(subclasses(Form))
    assert len(forms) > 20  # every form module was imported by create_app
    checked = 0
    with app.test_request_context("/", method="POST"):
        for form_class in forms:
            blank = form_class(formdata=None, meta={"csrf": False})
            names = [f.name for f in blank if is_free_text(type(f))]
            sent = MultiDict(dict.fromkeys(names, "a\x00b\x1bc\td"))
            form = form_class(formdata=sent, meta={"csrf": False})
            for name in names:
                assert form[name].data == "abc\td", (form_class.__name__, name)
                checked += 1
    assert checked > 30


@pytest.mark.parametrize(
    "path",
    ["/members/?q=a%00b", "/admin/users/?q=a%00b", "/cases/?tag=a%00b", "/cases/?domain=%00"],
)
def test_a_nul_in_a_search_is_ignored_not_a_500(role_clients, path):
    response = role_clients["admin"].get(path)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path", ["/invite/a%00b", "/reset/a%00b", "/cases/1-a%00b", "/discussions/c%00/1/comments"]
)
def test_a_nul_in_a_token_or_name_in_the_address_is_not_a_500(role_clients, path):
    for role in ("anonymous", "member"):
        client = role_clients[role]
        answers = [client.get(path).status_code, client.post(path, data={}).status_code]
        assert 500 not in answers, (role, answers)
