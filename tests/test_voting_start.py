"""Starting the vote: its own form, at least two approved positions, options stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from thinktank.cases.models import Case, CaseTransition
from thinktank.cases.vocabulary import CaseState
from thinktank.extensions import db
from thinktank.voting.models import VotingRound


def _add(client, case_id, *titles):
    for title in titles:
        client.post(f"/cases/{case_id}/positions/new", data={"position-title": title})


def _start(client, case_id, **fields):
    data = {
        "start-open_results": "no",
        "start-min_turnout": "50",
        "start-note": "Afstemningen løber i 14 dage.",
    } | fields
    return client.post(f"/cases/{case_id}/voting/start", data=data)


def _state(app, case_id):
    with app.app_context():
        return db.session.get(Case, case_id).state


def _round(app, case_id):
    with app.app_context():
        return db.session.get(VotingRound, case_id)


@pytest.mark.parametrize("approved", [0, 1])
def test_starting_with_fewer_than_two_positions_is_refused(
    app, client_as, secretariat, member, make_case, approved
):
    case = make_case(state="open")
    staff = client_as(secretariat)
    _add(staff, case.id, *["Ja", "Nej"][:approved])
    _add(client_as(member), case.id, "Et forslag, der ikke er godkendt")
    page = page_text(staff.get(f"/cases/{case.id}"))
    assert "Afstemningen kan starte, når mindst 2 holdninger er godkendt." in page
    response = _start(staff, case.id)  # a crafted request
    assert response.status_code == 409
    assert f"Afstemningen kræver mindst 2 godkendte holdninger; sagen har {approved}." in page_text(
        response
    )
    assert _state(app, case.id) == CaseState.OPEN and _round(app, case.id) is None


def test_secretariat_starts_voting_with_a_closing_time_in_danish_time(
    app, client_as, secretariat, make_case
):
    case = make_case(state="open")
    staff = client_as(secretariat)
    _add(staff, case.id, "Ja", "Nej")
    assert "Start afstemning" in page_text(staff.get(f"/cases/{case.id}"))
    next_year = datetime.now(UTC).year + 1
    response = _start(
        staff,
        case.id,
        **{"start-closes_on": f"{next_year}-06-01", "start-closes_time": "12:00"},
    )
    assert response.status_code == 302
    assert _state(app, case.id) == CaseState.VOTING
    voting = _round(app, case.id)
    # noon in Copenhagen in June is 10:00 UTC (summer time)
    assert voting.closes_at == datetime(next_year, 6, 1, 10, 0, tzinfo=UTC)
    assert voting.open_results is False and voting.started_by_id == secretariat.id
    with app.app_context():
        step = db.session.scalar(
            select(CaseTransition).where(CaseTransition.action == "start_voting")
        )
        assert (step.actor_id, step.note) == (secretariat.id, "Afstemningen løber i 14 dage.")
    page = page_text(staff.get(f"/cases/{case.id}"))
    assert f"Afstemningen er åben indtil den 1. juni {next_year} kl. 12.00." in page


def test_voting_without_a_closing_time_and_with_open_results(
    app, client_as, secretariat, make_case
):
    case = make_case(state="open")
    staff = client_as(secretariat)
    _add(staff, case.id, "Ja", "Nej")
    assert _start(staff, case.id, **{"start-open_results": "yes"}).status_code == 302
    voting = _round(app, case.id)
    assert voting.closes_at is None and voting.open_results is True
    assert "Afstemningen er åben, indtil sekretariatet lukker den." in page_text(
        staff.get(f"/cases/{case.id}")
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start-closes_on": "2020-01-01", "start-closes_time": "12:00"}, "skal ligge i fremtiden"),
        ({"start-closes_on": "2099-01-01"}, "Angiv det klokkeslæt"),
        ({"start-closes_time": "12:00"}, "Angiv også den dato"),
        ({"start-closes_on": "1. juni"}, "Ikke en gyldig dato"),
    ],
)
def test_a_closing_time_that_cannot_be_used_is_refused(
    app, client_as, secretariat, make_case, fields, message
):
    case = make_case(state="open")
    staff = client_as(secretariat)
    _add(staff, case.id, "Ja", "Nej")
    response = _start(staff, case.id, **fields)
    assert response.status_code == 400 and message in page_text(response)
    assert _state(app, case.id) == CaseState.OPEN


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("reader", 403), ("member", 403)])
def test_only_the_secretariat_starts_voting(
    app, role_clients, client_as, secretariat, make_case, who, status
):
    case = make_case(state="open", visibility="public")
    _add(client_as(secretariat), case.id, "Ja", "Nej")
    assert _start(role_clients[who], case.id).status_code == status
    assert _state(app, case.id) == CaseState.OPEN


def test_voting_cannot_start_twice_or_from_a_draft(
    app, client_as, secretariat, make_vote_case, make_case
):
    vote = make_vote_case()
    staff = client_as(secretariat)
    assert _start(staff, vote.id).status_code == 409
    draft = make_case(state="draft")
    _add(staff, draft.id, "Ja", "Nej")
    assert _start(staff, draft.id).status_code == 409
    assert _state(app, draft.id) == CaseState.DRAFT


def test_the_start_page_lists_the_positions(client_as, secretariat, make_case):
    case = make_case(state="open")
    staff = client_as(secretariat)
    _add(staff, case.id, "Ja", "Nej")
    page = page_text(staff.get(f"/cases/{case.id}/voting/start"))
    assert "Ja" in page and "Nej" in page and "Hvornår lukker afstemningen?" in page


def test_the_start_and_the_closing_time_are_shown_on_the_case(
    app, client_as, secretariat, make_vote_case
):
    closes = datetime.now(UTC) + timedelta(days=3)
    vote = make_vote_case(closes_at=closes)
    page = page_text(client_as(secretariat).get(f"/cases/{vote.id}"))
    assert "Afstemningen blev startet" in page and "Afstemningen er åben indtil" in page
