"""seed-demo's dilemma cases: each in its state, with a real history, seen by the right people."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tests.conftest import page_text
from thinktank.audit.models import AuditEvent
from thinktank.cases.forms import CaseForm
from thinktank.cases.models import Case, CaseTransition
from thinktank.cases.vocabulary import CaseState, Visibility
from thinktank.demo import (
    CHATBOT,
    CHILD_WELFARE,
    CROSS_SECTOR_DATA,
    DAYCARE_SUBSIDY,
    DEMO_CASES,
    REHABILITATION_AIDS,
    UNEMPLOYMENT,
)
from thinktank.extensions import db

#: each demo case with the state, visibility and author it is seeded with
EXPECTED = (
    (UNEMPLOYMENT, CaseState.VOTING, Visibility.PUBLIC, "ekspert1@kl-demo.dk"),
    (REHABILITATION_AIDS, CaseState.OPEN, Visibility.PUBLIC, "ekspert6@kl-demo.dk"),
    (CHATBOT, CaseState.RECOMMENDED, Visibility.PUBLIC, "ekspert5@kl-demo.dk"),
    (CROSS_SECTOR_DATA, CaseState.DRAFT, Visibility.MEMBERS, "ekspert3@kl-demo.dk"),
    (CHILD_WELFARE, CaseState.ARCHIVED, Visibility.PUBLIC, "ekspert2@kl-demo.dk"),
    (DAYCARE_SUBSIDY, CaseState.CLOSED, Visibility.PUBLIC, "ekspert1@kl-demo.dk"),
)
PUBLIC = [demo for demo, _state, visibility, _author in EXPECTED if visibility == Visibility.PUBLIC]


def _case(app, demo) -> Case:
    """The seeded case with its author, versions and timeline loaded (detached)."""
    with app.app_context():
        case = db.session.scalar(
            select(Case)
            .where(Case.title == demo.content.title)
            .options(
                joinedload(Case.author),
                selectinload(Case.revisions),
                selectinload(Case.transitions).joinedload(CaseTransition.actor),
            )
        )
        db.session.expunge_all()
    return case


def _case_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(db.func.count()).select_from(Case))


def test_seed_demo_creates_each_case_in_its_state_by_a_demo_member(app, seeded):
    assert f"{len(DEMO_CASES)} demo cases created" in seeded
    assert len(EXPECTED) == len(DEMO_CASES)
    for demo, state, visibility, author in EXPECTED:
        case = _case(app, demo)
        assert (case.state, case.visibility, case.author.email) == (state, visibility, author)
    assert _case(app, CROSS_SECTOR_DATA).submitted_at is not None


def test_every_step_is_a_recorded_transition_by_the_author_or_the_secretariat(app, seeded):
    case = _case(app, CHATBOT)
    steps = [(step.action, step.actor.email) for step in case.transitions]
    assert steps == [
        ("create", "ekspert5@kl-demo.dk"),
        ("submit", "ekspert5@kl-demo.dk"),
        ("open", "sekretariat@kl-demo.dk"),
        ("start_voting", "sekretariat@kl-demo.dk"),
        ("close_voting", "sekretariat@kl-demo.dk"),
        ("publish", "sekretariat@kl-demo.dk"),  # by publishing its recommendation
    ]
    assert all(step.note for step in case.transitions[2:-1])
    with app.app_context():
        logged = db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.subject_type == "case", AuditEvent.subject_id == case.id
            )
        ).all()
    assert sorted(logged) == sorted(f"case_{move}" for move, _ in steps[1:])


def test_corrected_case_has_two_versions_and_the_secretariats_note(
    app, seeded, client_as, secretariat
):
    case = _case(app, REHABILITATION_AIDS)
    assert case.revision_count == 2
    first, second = case.revisions
    assert "beslutte rækkefølgen" in first.content["summary"]
    assert second.content["summary"] == REHABILITATION_AIDS.correction["summary"] == case.summary
    note = case.transitions[-1].note
    assert case.transitions[-1].action == "open" and note.startswith("Åbnet til drøftelse")
    assert note in page_text(client_as(secretariat).get(f"/cases/{case.id}"))


def test_running_seed_demo_twice_creates_each_case_once(app, seeded):
    count = _case_count(app)
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "0 demo cases created" in again.output
    assert _case_count(app) == count == len(DEMO_CASES)


def test_anonymous_visitor_sees_the_public_cases_but_not_the_members_only_draft(
    app, seeded, client
):
    listing = page_text(client.get("/cases/"))
    for demo in PUBLIC:
        assert demo.content.title in listing
    assert CROSS_SECTOR_DATA.content.title not in listing
    assert client.get(f"/cases/{_case(app, CROSS_SECTOR_DATA).id}").status_code == 404


def test_secretariat_sees_the_submitted_draft(app, seeded, client_as, secretariat):
    client = client_as(secretariat)
    assert CROSS_SECTOR_DATA.content.title in page_text(client.get("/cases/"))
    page = page_text(client.get(f"/cases/{_case(app, CROSS_SECTOR_DATA).id}"))
    assert "Regionens jurist kan deltage" in page


@pytest.mark.parametrize("demo", DEMO_CASES, ids=lambda demo: demo.author)
def test_every_demo_case_page_renders_for_the_secretariat(
    app, seeded, client_as, secretariat, demo
):
    client = client_as(secretariat)
    case = _case(app, demo)
    page = client.get(f"/cases/{case.id}")
    assert page.status_code == 200
    assert demo.content.title in page_text(page)
    assert "<table>" in case.dilemma_html or "<ul>" in case.dilemma_html
    assert client.get(f"/cases/{case.id}/history").status_code == 200


@pytest.mark.parametrize("demo", DEMO_CASES, ids=lambda demo: demo.author)
def test_demo_case_texts_are_what_the_case_form_accepts(app, demo):
    content = demo.content
    data = asdict(content) | {
        "tags": ", ".join(content.tags),
        "sensitive_data": "yes" if content.sensitive_data else "no",
        "cross_sector_data": "yes" if content.cross_sector_data else "no",
        "chatham_house": "y" if content.chatham_house else "",  # an unticked box sends nothing
    }
    with app.test_request_context("/", method="POST", data=data):
        form = CaseForm(meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.to_input() == content


# --- positions, votes and declared interests ---------------------------------------------


def _snapshot(app, demo):
    from thinktank.voting.models import VoteResult

    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.title == demo.content.title))
        stored = db.session.get(VoteResult, case.id)
        return stored.snapshot if stored else None


def test_the_unemployment_case_is_in_voting_with_hidden_results_and_some_ballots(
    app, seeded, client_as, secretariat
):
    from thinktank.voting.models import Ballot, VotingRound

    case = _case(app, UNEMPLOYMENT)
    with app.app_context():
        voting = db.session.get(VotingRound, case.id)
        ballots = db.session.scalars(select(Ballot).where(Ballot.case_id == case.id)).all()
    assert voting.open_results is False and voting.closes_at is not None
    assert len(ballots) == 4 and _snapshot(app, UNEMPLOYMENT) is None
    for client in (client_as(None), client_as(secretariat)):
        page = page_text(client.get(f"/cases/{case.id}"))
        assert "Resultatet er skjult, indtil afstemningen lukker." in page
        assert "4 af 8 stemmeberettigede medlemmer har stemt." in page  # 7 demo + the fixture
        assert "Kun som et afgrænset pilotforsøg" in page and "stemmer (" not in page


def test_the_chatbot_case_has_a_frozen_result_with_reasons_and_a_recusal(app, seeded, client):
    snapshot = _snapshot(app, CHATBOT)
    assert (snapshot["ballots"], snapshot["abstentions"], snapshot["recusals"]) == (6, 1, 1)
    recused = [vote for vote in snapshot["votes"] if vote["choice"] == "recuse"]
    assert [vote["name"] for vote in recused] == ["Louise Brandt"]
    assert {i["organisation"] for i in recused[0]["interests"]} >= {"Netcompany"}
    page = page_text(client.get(f"/cases/{_case(app, CHATBOT).id}"))
    assert "Chatbot som supplement med klare grænser (3 stemmer)" in page
    assert "Mindretalsudtalelse:" in page
    recusals = page.split("Inhabile på grund af interessekonflikt (1)")[1]
    assert recusals.startswith(" Louise Brandt , Netcompany (privat virksomhed)")
    assert "Netcompany leverer chatbotløsninger" in recusals
    assert "Ingen chatbots i borgerservice" not in page  # a rejected proposal is for members


def test_demo_members_have_declared_interests_one_from_a_private_company(app, seeded, client):
    assert "declared interests created" in seeded
    register = page_text(client.get("/members/"))
    assert "Louise Brandt Netcompany Privat virksomhed" in register
    assert "Ansættelse: Netcompany" in register
    assert "Karin Madsen" not in register  # the demo reader is not a member


def test_running_seed_demo_twice_adds_no_votes_or_interests(app, seeded):
    from thinktank.members.models import Interest
    from thinktank.voting.models import Ballot, Position

    def counts():
        with app.app_context():
            return [
                db.session.scalar(select(db.func.count()).select_from(model))
                for model in (Interest, Position, Ballot)
            ]

    before = counts()
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert "0 declared interests created" in again.output
    assert counts() == before
