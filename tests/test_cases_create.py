"""Writing a case: every field, validation of each, preview without saving."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tests.conftest import CASE_FORM, assert_page_safe, page_text
from tests.test_markup import HOSTILE, assert_only_allowed_markup
from thinktank.cases.models import Case, CaseRevision, CaseTransition
from thinktank.cases.vocabulary import (
    AiActRisk,
    AlgorithmRole,
    CaseState,
    Domain,
    Dpia,
    HumanContact,
    TechnologyKind,
    Visibility,
)
from thinktank.extensions import db


def _cases(app):
    with app.app_context():
        return list(db.session.scalars(select(Case).options(selectinload(Case.tags))))


def test_member_creates_a_draft_with_every_field(app, client_as, member):
    response = client_as(member).post("/cases/new", data=CASE_FORM | {"action": "save"})
    assert response.status_code == 302
    [case] = _cases(app)
    assert (
        response.headers["Location"]
        == f"/cases/{case.id}-skal-jobcentret-forudsige-langtidsledighed"
    )
    assert (case.state, case.author_id) == (CaseState.DRAFT, member.id)
    assert case.title == CASE_FORM["title"] and case.summary == CASE_FORM["summary"]
    assert (case.domain, case.technology, case.algorithm_role) == (
        Domain.EMPLOYMENT,
        TechnologyKind.PREDICTION,
        AlgorithmRole.ADVISORY,
    )
    assert case.ai_act_risk == AiActRisk.HIGH and case.dpia == Dpia.IN_PROGRESS
    assert case.personal_data == ["cpr", "employment_data", "health_data"]
    assert case.sensitive_data is True and case.cross_sector_data is False
    assert case.human_contact == HumanContact.KEPT and case.visibility == Visibility.PUBLIC
    assert case.data_sources == CASE_FORM["data_sources"]
    assert case.affected == CASE_FORM["affected"]
    assert case.legal_basis == CASE_FORM["legal_basis"]
    assert [tag.name for tag in case.tags] == ["jobcenter", "profilering"]
    assert "<strong>hjælpe</strong>" in case.dilemma_html
    assert "<li>Tidligere indsats</li>" in case.benefits_html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CaseRevision)) == 1
        step = db.session.scalar(select(CaseTransition))
        assert (step.action, step.to_state) == ("create", CaseState.DRAFT)


def test_the_case_page_shows_every_field(app, client_as, member):
    client = client_as(member)
    location = client.post("/cases/new", data=CASE_FORM).headers["Location"]
    text = page_text(client.get(location))
    for expected in (
        CASE_FORM["title"],
        CASE_FORM["summary"],
        "Beskæftigelse",
        "Forudsigelse / maskinlæring",
        "Rådgivende",
        "Høj risiko",
        "CPR-nummer",
        "Helbred",
        CASE_FORM["data_sources"],
        CASE_FORM["affected"],
        "Tidligere indsats",
        "Fejlklassifikation",
        CASE_FORM["legal_basis"],
        "En konsekvensanalyse er i gang",
        "Oprettet som kladde",
    ):
        assert expected in text, expected


def test_tags_are_shared_between_cases(app, client_as, member):
    client = client_as(member)
    client.post("/cases/new", data=CASE_FORM)
    client.post("/cases/new", data=CASE_FORM | {"tags": "jobcenter, ny"})
    with app.app_context():
        from thinktank.cases.models import Tag

        assert sorted(db.session.scalars(select(Tag.name))) == ["jobcenter", "ny", "profilering"]


REQUIRED = ["title", "summary", "dilemma", "domain", "technology", "algorithm_role",
            "sensitive_data", "cross_sector_data", "human_contact"]  # fmt: skip


@pytest.mark.parametrize("name", REQUIRED)
def test_missing_required_field(app, client_as, member, name):
    data = {k: v for k, v in CASE_FORM.items() if k != name}
    response = client_as(member).post("/cases/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{name}-error"' in html
    assert _cases(app) == []


def test_visibility_left_out_means_members_only(app, client_as, member):
    data = {k: v for k, v in CASE_FORM.items() if k != "visibility"}
    client_as(member).post("/cases/new", data=data)
    [case] = _cases(app)
    assert case.visibility == Visibility.MEMBERS


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("title", "x" * 201, "Højst 200 tegn."),
        ("summary", "x" * 501, "Højst 500 tegn."),
        ("dilemma", "x" * 20_001, "Højst 20.000 tegn."),
        ("data_sources", "x" * 10_000, "Højst 2.000 tegn."),
        ("affected", "x" * 2001, "Højst 2.000 tegn."),
        ("legal_basis", "x" * 2001, "Højst 2.000 tegn."),
        ("benefits", "x" * 10_001, "Højst 10.000 tegn."),
        ("risks", "x" * 10_001, "Højst 10.000 tegn."),
        ("tags", ",".join(f"t{n}" for n in range(11)), "Højst 10 emneord."),
        ("tags", "x" * 41, "højst være på 40 tegn"),
        ("domain", "space", "Ikke et gyldigt valg."),
        ("technology", "quantum", "Ikke et gyldigt valg."),
        ("algorithm_role", "overlord", "Ikke et gyldigt valg."),
        ("ai_act_risk", "extreme", "Ikke et gyldigt valg."),
        ("human_contact", "never", "Ikke et gyldigt valg."),
        ("dpia", "maybe", "Ikke et gyldigt valg."),
        ("visibility", "secret", "Ikke et gyldigt valg."),
        ("personal_data", ["cpr", "dna"], "Ikke et gyldigt valg."),
        ("sensitive_data", "perhaps", "Ikke et gyldigt valg."),
    ],
)
def test_invalid_values_are_refused_with_a_field_error(
    app, client_as, member, name, value, message
):
    response = client_as(member).post("/cases/new", data=CASE_FORM | {name: value})
    assert response.status_code == 200
    assert message in page_text(response)
    assert _cases(app) == []


def test_errors_keep_everything_typed(client_as, member):
    response = client_as(member).post("/cases/new", data=CASE_FORM | {"title": ""})
    html = response.get_data(as_text=True)
    assert CASE_FORM["summary"] in html and CASE_FORM["dilemma"] in html
    assert 'value="profilering, Jobcenter"' in html
    assert (
        '<input checked id="personal_data-1" name="personal_data" type="checkbox" value="cpr">'
        in html
    )
    assert (
        '<input id="personal_data-0" name="personal_data" type="checkbox" value="identity">' in html
    )
    assert '<option selected value="high">' in html
    assert (
        '<input checked id="sensitive_data-0" name="sensitive_data" type="radio" value="yes">'
        in html
    )


def test_preview_renders_markdown_and_saves_nothing(app, client_as, member):
    response = client_as(member).post("/cases/new", data=CASE_FORM | {"action": "preview"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>hjælpe</strong>" in html
    assert "Forhåndsvisning" in page_text(response)
    assert CASE_FORM["dilemma"] in html  # the source is still in the form
    assert _cases(app) == []


def test_preview_with_errors_still_shows_the_preview(app, client_as, member):
    response = client_as(member).post(
        "/cases/new", data=CASE_FORM | {"action": "preview", "title": ""}
    )
    assert "<strong>hjælpe</strong>" in response.get_data(as_text=True)
    assert "Dette felt skal udfyldes." in page_text(response)


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_readers_and_anonymous_cannot_create(app, role_clients, who):
    client = role_clients[who]
    assert client.get("/cases/new").status_code in (302, 403)
    response = client.post("/cases/new", data=CASE_FORM)
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert _cases(app) == []


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_never_reaches_the_case_page(app, client_as, member, hostile):
    client = client_as(member)
    location = client.post(
        "/cases/new", data=CASE_FORM | {"dilemma": hostile, "benefits": hostile, "risks": hostile}
    ).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert_page_safe(html)
    for block in re.findall(r'<div class="prose">(.*?)</div>', html, flags=re.S):
        assert_only_allowed_markup(block)
    preview = client.post("/cases/new", data=CASE_FORM | {"dilemma": hostile, "action": "preview"})
    assert_page_safe(preview.get_data(as_text=True))


def test_plain_text_fields_are_escaped(app, client_as, member):
    client = client_as(member)
    location = client.post(
        "/cases/new", data=CASE_FORM | {"affected": "<b>fed</b>", "title": "<i>titel</i>"}
    ).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "&lt;b&gt;fed&lt;/b&gt;" in html and "<b>fed</b>" not in html
    assert "&lt;i&gt;titel&lt;/i&gt;" in html
