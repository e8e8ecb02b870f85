"""No form answers a question for the user: a choice that states a fact starts empty, so
saving a form untouched can never publish a claim nobody made."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from tests.conftest import CASE_FORM, page_text
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import AiActRisk, Dpia
from thinktank.extensions import db


class _Forms(HTMLParser):
    """The forms of a page as a browser sees them: for each, what it would send untouched,
    its selects (required?, first option, preselected option) and its checked radios."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: dict | None = None
        self._textarea: str | None = None

    @property
    def form(self) -> dict:
        return self.forms[-1]

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "data": {}, "selects": {}, "radios": {}}
            )
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "radio":
                self.form["radios"].setdefault(a["name"], None)
                if "checked" in a:
                    self.form["radios"][a["name"]] = a.get("value")
                    self.form["data"][a["name"]] = a.get("value")
            elif kind == "checkbox":
                if "checked" in a:
                    self.form["data"].setdefault(a["name"], []).append(a.get("value", "on"))
            elif kind not in ("submit", "button"):
                self.form["data"][a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = {"required": "required" in a, "options": [], "selected": None}
            self.form["selects"][a.get("name")] = self._select
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["selected"] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.form["data"][self._textarea] = ""

    def handle_data(self, data) -> None:
        if self._textarea:
            self.form["data"][self._textarea] += data

    def handle_endtag(self, tag) -> None:
        if tag == "select" and self._select is not None:
            name = next(n for n, s in self.form["selects"].items() if s is self._select)
            chosen = self._select["selected"]
            self.form["data"][name] = chosen if chosen is not None else self._select["options"][0]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _forms(response) -> list[dict]:
    parser = _Forms()
    parser.feed(response.get_data(as_text=True))
    return parser.forms


def _form(response, action: str) -> dict:
    return next(f for f in _forms(response) if f["action"] == action)


def _case_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Case))


def test_untouched_new_case_form_saves_nothing_and_asks_for_every_fact(app, client_as, member):
    client = client_as(member)
    form = _form(client.get("/cases/new"), "/cases/new")
    response = client.post("/cases/new", data=form["data"] | {"action": "save"})
    assert response.status_code in (200, 400)
    text = page_text(response)
    assert "Ret venligst følgende" in text
    html = response.get_data(as_text=True)
    for field in ("ai_act_risk", "dpia", "algorithm_role", "sensitive_data", "human_contact"):
        assert f'href="#{field}"' in html, field
    assert _case_count(app) == 0


def test_risk_class_and_dpia_left_on_their_first_option_are_refused(app, client_as, member):
    client = client_as(member)
    form = _form(client.get("/cases/new"), "/cases/new")
    # everything else answered, as a hurried author would leave it
    data = CASE_FORM | {
        "ai_act_risk": form["data"]["ai_act_risk"],
        "dpia": form["data"]["dpia"],
        "action": "save",
    }
    response = client.post("/cases/new", data=data)
    html = response.get_data(as_text=True)
    assert 'href="#ai_act_risk"' in html and 'href="#dpia"' in html
    assert "Vælg en risikoklasse" in html and "Vælg et svar" in html
    assert CASE_FORM["title"] in html  # what was typed is kept
    assert _case_count(app) == 0


def test_unknown_must_be_chosen_explicitly_and_is_then_saved(app, client_as, member):
    data = CASE_FORM | {"ai_act_risk": "unknown", "dpia": "dpia_unknown", "action": "save"}
    assert client_as(member).post("/cases/new", data=data).status_code == 302
    with app.app_context():
        case = db.session.scalar(select(Case))
        assert (case.ai_act_risk, case.dpia) == (AiActRisk.UNKNOWN, Dpia.UNKNOWN)


def test_editing_a_case_keeps_its_stored_answers(app, client_as, member, make_case):
    case = make_case(state="draft", ai_act_risk="high", dpia="in_progress")
    form = _form(client_as(member).get(f"/cases/{case.id}/edit"), f"/cases/{case.id}/edit")
    assert form["selects"]["ai_act_risk"]["selected"] == "high"
    assert form["selects"]["dpia"]["selected"] == "in_progress"
    assert form["radios"]["algorithm_role"] == "advisory"


#: Choices that are settings with a safe default, not statements of fact.
SETTINGS = {"visibility", "start-open_results", "language", "argument", "sector", "next"}


@pytest.fixture
def form_pages(member, make_case, make_comment, make_recommendation, make_vote_case):
    """Pages with forms that create something new, and who opens them."""
    case = make_case(state="open")
    comment = make_comment(case, member)
    published = make_recommendation("published", title="Udgivet")
    make_recommendation("published", title="En anden")
    review = make_recommendation("review", title="I høring")
    vote = make_vote_case()
    return [
        ("member", "/cases/new"),
        ("secretariat", "/invitations/"),
        ("anonymous", "/register"),
        ("member", "/profile/interests"),
        ("reader", f"/recommendations/{published.id}"),
        ("secretariat", f"/recommendations/{published.id}/draft"),
        ("member", f"/recommendations/{review.id}/draft"),
        ("member", f"/cases/{case.id}"),
        ("member", f"/cases/{vote.id}"),
        ("member", f"/cases/{vote.id}/vote"),
        ("secretariat", f"/cases/{case.id}/positions/new"),
        ("reader", f"/comments/{comment.id}/flag"),
        ("secretariat", "/moderation/"),
    ]


def test_no_form_preselects_a_fact_and_required_selects_start_empty(role_clients, form_pages):
    for who, path in form_pages:
        response = role_clients[who].get(path, follow_redirects=True)
        assert response.status_code == 200, (who, path)
        for form in _forms(response):
            for name, select_ in form["selects"].items():
                if select_["required"]:
                    assert select_["options"][0] == "", (path, name)
                if name not in SETTINGS:  # what the browser shows chosen: empty
                    shown = select_["selected"] or select_["options"][0]
                    assert shown == "", (path, name, shown)
            for name, checked in form["radios"].items():
                if name not in SETTINGS:
                    assert checked is None, (path, name, checked)
