"""Every form, sent with a mistake, answers with the »Ret venligst følgende« summary at the top of
the page or of the form (before the form's fields), linking to the field, and keeps what was
typed."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.conftest import CASE_FORM, mailed_link
from thinktank.accounts.roles import Role

TYPED = "Det her skrev jeg selv"


@dataclass
class Sent:
    response: object
    field_id: str  # the field the summary must link to
    form_action: str  # the form's address on the page (its <form> must follow the summary)
    kept: str | None = TYPED


@pytest.fixture
def world(
    app, client_as, reader, member, secretariat, admin, make_case, make_comment,
    make_recommendation, make_vote_case, make_user,
):  # fmt: skip
    """The fixtures each scenario below may need, by name."""
    return dict(locals())


def _login(w):
    client = w["client_as"](None)
    return Sent(client.post("/login", data={"email": TYPED, "password": ""}), "email", "/login")


def _register(w):
    data = {"email": "ikke en adresse", "display_name": TYPED, "password": "x", "confirm": "x"}
    response = w["client_as"](None).post("/register", data=data)
    return Sent(response, "email", "/register")


def _reset_request(w):
    response = w["client_as"](None).post("/reset", data={"email": "ikke en adresse"})
    return Sent(response, "email", "/reset", kept="ikke en adresse")


def _reset_password(w):
    client = w["client_as"](None)
    client.post("/reset", data={"email": w["member"].email})
    path = mailed_link(w["app"], "/reset/")
    response = client.post(path, data={"password": "kort", "confirm": "kort"})
    return Sent(response, "password", path, kept=None)


def _accept_invitation(w):
    w["client_as"](w["secretariat"]).post(
        "/invitations/", data={"email": "ny@odense.dk", "role": "member"}
    )
    path = mailed_link(w["app"], "/invite/")
    data = {"display_name": "", "organisation": TYPED, "sector": "municipality"}
    return Sent(w["client_as"](None).post(path, data=data), "display_name", path)


def _invite(w):
    response = w["client_as"](w["secretariat"]).post(
        "/invitations/", data={"email": TYPED, "role": ""}
    )
    return Sent(response, "role", "/invitations/")


def _profile(w):
    data = {"display_name": "", "organisation": TYPED}
    response = w["client_as"](w["reader"]).post("/profile", data=data)
    return Sent(response, "display_name", "/profile")


def _change_password(w):
    data = {"old_password": "forkert", "new_password": "kort", "confirm": "kort"}
    response = w["client_as"](w["reader"]).post("/profile/password", data=data)
    return Sent(response, "old_password", "/profile/password", kept=None)


def _admin_role(w):
    target = w["make_user"](Role.READER)
    path = f"/admin/users/{target.id}"
    response = w["client_as"](w["admin"]).post(path, data={"role": "kejser"})
    return Sent(response, "role", path, kept=None)


def _new_case(w):
    data = CASE_FORM | {"title": TYPED, "ai_act_risk": "", "dpia": "", "action": "save"}
    response = w["client_as"](w["member"]).post("/cases/new", data=data)
    return Sent(response, "ai_act_risk", "/cases/new")


def _edit_case(w):
    case = w["make_case"](state="draft")
    path = f"/cases/{case.id}/edit"
    data = CASE_FORM | {"title": "", "summary": TYPED, "action": "save"}
    return Sent(w["client_as"](w["member"]).post(path, data=data), "title", path)


def _comment(w):
    case = w["make_case"](state="open")
    path = f"/discussions/case/{case.id}/comments"
    return Sent(w["client_as"](w["member"]).post(path, data={"body": ""}), "body", path, None)


def _reply(w):
    case = w["make_case"](state="open")
    comment = w["make_comment"](case, w["secretariat"])
    path = f"/comments/{comment.id}/reply"
    return Sent(w["client_as"](w["member"]).post(path, data={"body": ""}), "body", path, None)


def _flag(w):
    case = w["make_case"](state="open")
    comment = w["make_comment"](case, w["member"])
    path = f"/comments/{comment.id}/flag"
    data = {"reason": "", "note": TYPED}
    return Sent(w["client_as"](w["reader"]).post(path, data=data), "reason", path)


def _remove(w):
    case = w["make_case"](state="open")
    comment = w["make_comment"](case, w["member"])
    path = f"/comments/{comment.id}/remove"
    return Sent(
        w["client_as"](w["secretariat"]).post(path, data={"reason": ""}), "reason", path, None
    )


def _interest(w):
    data = {"kind": "", "organisation": TYPED}
    response = w["client_as"](w["member"]).post("/profile/interests", data=data)
    return Sent(response, "kind", "/profile/interests")


def _end_interest(w):
    client = w["client_as"](w["member"])
    client.post("/profile/interests", data={"kind": "employment", "organisation": "Netcompany",
                                            "starts_on": "2024-03-01"})  # fmt: skip
    from sqlalchemy import select

    from thinktank.extensions import db
    from thinktank.members.models import Interest

    with w["app"].app_context():
        n = db.session.scalar(select(Interest.id))
    path = f"/profile/interests/{n}/end"
    response = client.post(path, data={f"end-{n}-ends_on": "2020-01-01"})
    return Sent(response, f"end-{n}-ends_on", path, kept="2020-01-01")


def _new_recommendation(w):
    case = w["make_case"](state="closed")
    path = f"/cases/{case.id}/recommendation"
    data = {"title": "", "summary": TYPED, "body": "Tekst"}
    return Sent(w["client_as"](w["secretariat"]).post(path, data=data), "title", path)


def _edit_recommendation(w):
    recommendation = w["make_recommendation"]("draft")
    path = f"/recommendations/{recommendation.id}/edit"
    data = {"title": "", "summary": TYPED, "body": "Tekst"}
    return Sent(w["client_as"](w["secretariat"]).post(path, data=data), "title", path)


def _objection_without_reason(w):
    """The case from the issue: it reloaded at the top with the error far below."""
    recommendation = w["make_recommendation"]("review")
    path = f"/recommendations/{recommendation.id}/respond"
    data = {"response": "objection", "reason": ""}
    return Sent(w["client_as"](w["member"]).post(path, data=data), "reason", path, None)


def _minority_opinion(w):
    recommendation = w["make_recommendation"]("review")
    path = f"/recommendations/{recommendation.id}/opinion"
    return Sent(
        w["client_as"](w["member"]).post(path, data={"body": ""}), "opinion-body", path, None
    )


def _withdraw(w):
    recommendation = w["make_recommendation"]("published")
    path = f"/recommendations/{recommendation.id}/withdraw"
    return Sent(
        w["client_as"](w["secretariat"]).post(path, data={"reason": ""}), "reason", path, None
    )


def _supersede(w):
    w["make_recommendation"]("published", title="Den nye")
    recommendation = w["make_recommendation"]("published", title="Den gamle")
    path = f"/recommendations/{recommendation.id}/supersede"
    return Sent(w["client_as"](w["secretariat"]).post(path, data={"by": ""}), "by", path, None)


def _adopt(w):
    recommendation = w["make_recommendation"]("published")
    path = f"/recommendations/{recommendation.id}/adopt"
    data = {"municipality": "", "note": TYPED}
    return Sent(w["client_as"](w["reader"]).post(path, data=data), "municipality", path)


def _vote(w):
    vote = w["make_vote_case"]()
    path = f"/cases/{vote.id}/vote"
    data = {"ballot-choice": "", "ballot-reason": TYPED}
    return Sent(w["client_as"](w["member"]).post(path, data=data), "ballot-choice", path)


def _position(w):
    case = w["make_case"](state="open")
    path = f"/cases/{case.id}/positions/new"
    data = {"position-title": "", "position-explanation": TYPED}
    return Sent(w["client_as"](w["member"]).post(path, data=data), "position-title", path)


def _start_voting(w):
    case = w["make_case"](state="open")
    staff = w["client_as"](w["secretariat"])
    for title in ("Ja", "Nej"):
        staff.post(f"/cases/{case.id}/positions/new", data={"position-title": title})
    path = f"/cases/{case.id}/voting/start"
    data = {"start-closes_on": "2099-01-01", "start-open_results": "no", "start-note": TYPED}
    return Sent(staff.post(path, data=data), "start-closes_time", path)


SCENARIOS = [
    _login, _register, _reset_request, _reset_password, _accept_invitation, _invite, _profile,
    _change_password, _admin_role, _new_case, _edit_case, _comment, _reply, _flag, _remove,
    _interest, _end_interest, _new_recommendation, _edit_recommendation, _objection_without_reason,
    _minority_opinion, _withdraw, _supersede, _adopt, _vote, _position, _start_voting,
]  # fmt: skip


ON_LONG_PAGES = {_objection_without_reason, _minority_opinion, _withdraw, _supersede, _adopt}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__.strip("_"))
def test_a_form_sent_with_a_mistake_shows_the_summary_first_and_keeps_the_input(world, scenario):
    sent = scenario(world)
    assert sent.response.status_code in (200, 400, 422), sent.response.status_code
    html = sent.response.get_data(as_text=True)
    assert "Ret venligst følgende" in html
    summary = html.index('class="error-summary"')
    link = re.search(
        rf'<div class="error-summary".*?href="#{re.escape(sent.field_id)}"', html, re.S
    )
    assert link, f"the summary links to #{sent.field_id}"
    form = html.index(f'action="{sent.form_action}')
    field = html.index(f'id="{sent.field_id}"', form)
    # above the form or at the top of it, before its fields
    assert summary < field
    if scenario in ON_LONG_PAGES:  # a form far down a long page: the summary tops the page
        assert summary < html.index("<h1")
    if sent.kept:
        assert sent.kept in html
