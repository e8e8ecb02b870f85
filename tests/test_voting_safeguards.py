"""Closing a vote early or below its minimum turnout asks for a reason on a second page;
a changed vote does not silently keep the reason written for the old choice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import cast, page_text
from thinktank.accounts.models import User
from thinktank.audit.models import AuditEvent
from thinktank.cases import lifecycle
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.errors import ConfirmationRequired, ValidationFailed
from thinktank.extensions import db
from thinktank.transaction import transaction
from thinktank.voting import ballots
from thinktank.voting.models import Ballot, BallotChoice, VotingRound


def _state(app, case_id) -> CaseState:
    with app.app_context():
        return db.session.get(Case, case_id).state


def _set_minimum(app, case_id, percent: int) -> None:
    with app.app_context():
        db.session.get(VotingRound, case_id).min_turnout = percent
        db.session.commit()


def _close(client, case_id, **data):
    return client.post(f"/cases/{case_id}/transition", data={"move": "close_voting"} | data)


# --- the minimum turnout, set when voting starts -------------------------------------------


def _open_case_with_positions(client, make_case):
    case = make_case(state="open")
    for title in ("Ja", "Nej"):
        client.post(f"/cases/{case.id}/positions/new", data={"position-title": title})
    return case


def _start(client, case_id, **fields):
    data = {"start-open_results": "no", "start-min_turnout": "50"} | fields
    return client.post(f"/cases/{case_id}/voting/start", data=data)


def test_the_start_form_asks_for_a_minimum_turnout_of_50_percent_by_default(
    app, client_as, secretariat, make_case
):
    staff = client_as(secretariat)
    case = _open_case_with_positions(staff, make_case)
    html = staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert (
        '<label class="label" for="start-min_turnout">Mindste deltagelse (procent)</label>' in html
    )
    assert 'id="start-min_turnout"' in html and 'value="50"' in html
    assert _start(staff, case.id, **{"start-min_turnout": "60"}).status_code == 302
    with app.app_context():
        assert db.session.get(VotingRound, case.id).min_turnout == 60
    assert "Mindste deltagelse: 60 %." in page_text(staff.get(f"/cases/{case.id}"))


@pytest.mark.parametrize("value", ["", "-1", "101", "halvdelen"])
def test_a_minimum_turnout_outside_0_to_100_is_refused_in_the_form(
    app, client_as, secretariat, make_case, value
):
    staff = client_as(secretariat)
    case = _open_case_with_positions(staff, make_case)
    response = _start(staff, case.id, **{"start-min_turnout": value})
    assert response.status_code == 400
    text = page_text(response)
    assert "Ret venligst følgende" in text
    assert "Mindste deltagelse (procent):" in text  # the summary links to the field
    assert f'value="{value}"' in response.get_data(as_text=True)  # what was typed is kept
    assert _state(app, case.id) == CaseState.OPEN


def test_the_service_refuses_a_minimum_outside_0_to_100(app, secretariat, make_case, client_as):
    from thinktank.voting.service import start_voting

    staff_client = client_as(secretariat)
    case = _open_case_with_positions(staff_client, make_case)
    with app.test_request_context("/"):
        staff = db.session.get(User, secretariat.id)
        with pytest.raises(ValidationFailed) as refused:
            start_voting(
                staff, db.session.get(Case, case.id), closes_at=None, open_results=False,
                min_turnout=101,
            )  # fmt: skip
        assert refused.value.field == "min_turnout"


# --- closing early or below the minimum ----------------------------------------------------


def test_closing_before_the_closing_time_asks_for_a_reason_on_a_second_page(
    app, client_as, secretariat, member, make_vote_case
):
    vote = make_vote_case(closes_at=datetime.now(UTC) + timedelta(days=3))
    cast(client_as(member), vote.id, vote.positions[0])
    staff = client_as(secretariat)
    page = _close(staff, vote.id, note="Alle har haft tid nok.")
    assert page.status_code == 200
    text = page_text(page)
    assert "Bekræft: Luk afstemningen" in text
    assert "Lukkes den nu, slutter den før tid." in text
    html = page.get_data(as_text=True)
    assert '<label class="label" for="reason">Begrundelse</label>' in html
    assert "Alle har haft tid nok.</textarea>" in html  # the note typed on the case page
    assert 'name="csrf_token"' in html
    assert _state(app, vote.id) == CaseState.VOTING

    empty = _close(staff, vote.id, reason="")
    assert empty.status_code == 400
    text = page_text(empty)
    assert "Ret venligst følgende" in text and "Skriv en begrundelse for at gå videre." in text
    assert _state(app, vote.id) == CaseState.VOTING

    done = _close(staff, vote.id, reason="Alle medlemmer har stemt.")
    assert done.status_code == 302
    assert _state(app, vote.id) == CaseState.CLOSED
    timeline = page_text(staff.get(f"/cases/{vote.id}"))
    assert "Alle medlemmer har stemt." in timeline
    log = page_text(client_as(None).get("/log"))
    assert "Lukket før det fastsatte tidspunkt" in log
    assert "Begrundelse: Alle medlemmer har stemt." in log


def test_closing_below_the_minimum_turnout_asks_for_a_reason(
    app, client_as, secretariat, member, make_vote_case
):
    vote = make_vote_case()
    _set_minimum(app, vote.id, 50)
    staff = client_as(secretariat)
    text = page_text(_close(staff, vote.id))
    # eligible: the member and the secretariat; nobody has voted
    assert (
        "0 af 2 stemmeberettigede medlemmer har stemt (0 %), under den mindste deltagelse "
        "på 50 %, der blev fastsat, da afstemningen startede." in text
    )
    assert "før tid" not in text
    assert _state(app, vote.id) == CaseState.VOTING
    _close(staff, vote.id, reason="Sagen haster.")
    assert _state(app, vote.id) == CaseState.CLOSED
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "case_close_voting")
        )
        kept = {key: event.data.get(key) for key in ("reason", "turnout", "min_turnout")}
        assert kept == {"reason": "Sagen haster.", "turnout": 0, "min_turnout": 50}
    log = page_text(client_as(None).get("/log"))
    assert "Lukket ved en deltagelse på 0 %, under den mindste deltagelse på 50 %." in log


def test_closing_at_the_minimum_turnout_without_a_closing_time_needs_no_extra_step(
    app, client_as, secretariat, member, make_vote_case
):
    vote = make_vote_case()
    _set_minimum(app, vote.id, 50)
    cast(client_as(member), vote.id, vote.positions[0])  # 1 of 2: 50 %
    response = _close(client_as(secretariat), vote.id)
    assert response.status_code == 302
    assert _state(app, vote.id) == CaseState.CLOSED


def test_the_lifecycle_refuses_an_early_close_without_a_reason(app, secretariat, make_vote_case):
    vote = make_vote_case(closes_at=datetime.now(UTC) + timedelta(days=3))
    with app.test_request_context("/"):
        staff = db.session.get(User, secretariat.id)
        case = db.session.get(Case, vote.id)
        with pytest.raises(ConfirmationRequired) as refused:
            lifecycle.transition(staff, case, "close_voting", "En note er ikke en begrundelse.")
        assert "closes_at" in refused.value.concerns[0].data
        db.session.rollback()
        case = db.session.get(Case, vote.id)
        assert case.state == CaseState.VOTING
        with transaction():
            step = lifecycle.transition(staff, case, "close_voting", reason="Fristen var for lang.")
        assert step.note == "Fristen var for lang."


def test_a_vote_closing_by_itself_at_its_time_needs_no_reason(app, make_vote_case):
    vote = make_vote_case()
    _set_minimum(app, vote.id, 90)
    with app.test_request_context("/"):
        db.session.get(VotingRound, vote.id).closes_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
        with transaction():
            assert lifecycle.make_due_moves(vote.id) == 1
        assert db.session.get(Case, vote.id).state == CaseState.CLOSED


@pytest.mark.parametrize("who", ["anonymous", "reader", "member"])
def test_only_the_secretariat_closes_or_sees_the_confirmation(
    app, role_clients, make_vote_case, who
):
    vote = make_vote_case(closes_at=datetime.now(UTC) + timedelta(days=3))
    client = role_clients[who]
    for data in ({}, {"reason": "Jeg lukker den."}, {"reason": "x" * 1001}):
        response = _close(client, vote.id, **data)
        assert response.status_code == (302 if who == "anonymous" else 403)
        assert "Bekræft" not in page_text(response)
    assert _state(app, vote.id) == CaseState.VOTING


# --- a changed vote and its reason ---------------------------------------------------------


def _ballot(app, case_id) -> Ballot:
    with app.app_context():
        found = db.session.scalar(select(Ballot).where(Ballot.case_id == case_id))
        db.session.expunge(found)
        return found


def test_the_ballot_form_says_which_choice_the_old_reason_was_written_for(
    client_as, member, make_vote_case
):
    vote = make_vote_case()
    client = client_as(member)
    cast(client, vote.id, vote.positions[0], "Kun med ret til indsigt.")
    page = client.get(f"/cases/{vote.id}")
    text = page_text(page)
    assert "Du skrev denne begrundelse til »Ja, på betingelser«." in text
    assert "Begrundelsen gælder også mit nye valg" in text
    assert "Kun med ret til indsigt.</textarea>" in page.get_data(as_text=True)


def test_changing_the_choice_with_the_old_reason_unconfirmed_is_refused(
    app, client_as, member, make_vote_case
):
    vote = make_vote_case()
    client = client_as(member)
    cast(client, vote.id, vote.positions[0], "Kun med ret til indsigt.")
    response = cast(client, vote.id, vote.positions[1], "Kun med ret til indsigt.")
    assert response.status_code == 400
    text = page_text(response)
    assert "Ret venligst følgende" in text
    assert (
        "Du har ændret din stemme, men begrundelsen er den, du skrev til »Ja, på betingelser«."
        in text
    )
    html = response.get_data(as_text=True)
    assert (  # the new choice is kept
        f'<input checked id="ballot-choice-1" name="ballot-choice" type="radio" '
        f'value="{vote.positions[1]}">' in html
    )
    assert "Kun med ret til indsigt.</textarea>" in html
    ballot = _ballot(app, vote.id)
    assert ballot.position_id == vote.positions[0]


@pytest.mark.parametrize(
    "data",
    [
        {"ballot-reason": "Kun med ret til indsigt.", "ballot-reason_confirmed": "y"},
        {"ballot-reason": "Modellen er ikke god nok."},
        {"ballot-reason": ""},
    ],
    ids=["confirmed", "rewritten", "removed"],
)
def test_a_changed_choice_with_a_confirmed_rewritten_or_removed_reason_is_kept(
    app, client_as, member, make_vote_case, data
):
    vote = make_vote_case()
    client = client_as(member)
    cast(client, vote.id, vote.positions[0], "Kun med ret til indsigt.")
    response = client.post(
        f"/cases/{vote.id}/vote", data={"ballot-choice": str(vote.positions[1])} | data
    )
    assert response.status_code == 302
    ballot = _ballot(app, vote.id)
    assert (ballot.position_id, ballot.reason) == (vote.positions[1], data["ballot-reason"])


def test_keeping_the_choice_and_the_reason_needs_no_confirmation(
    app, client_as, member, make_vote_case
):
    vote = make_vote_case()
    client = client_as(member)
    cast(client, vote.id, "abstain", "Jeg kender ikke nok til sagen.")
    assert cast(client, vote.id, "abstain", "Jeg kender ikke nok til sagen.").status_code == 302


def test_the_service_refuses_a_changed_choice_with_an_unconfirmed_old_reason(
    app, member, make_vote_case
):
    vote = make_vote_case()
    with app.test_request_context("/"):
        voter = db.session.get(User, member.id)
        with transaction():
            ballots.cast_ballot(voter, vote.id, BallotChoice.ABSTAIN, None, "Jeg er i tvivl.")
        with pytest.raises(ValidationFailed) as refused:
            ballots.cast_ballot(voter, vote.id, BallotChoice.RECUSE, None, "Jeg er i tvivl.")
        assert refused.value.field == "reason" and "»Stem blankt«" in refused.value.message
        db.session.rollback()
        with transaction():
            ballots.cast_ballot(
                voter, vote.id, BallotChoice.RECUSE, None, "Jeg er i tvivl.", reason_confirmed=True
            )
        assert db.session.scalar(select(Ballot.choice)) == BallotChoice.RECUSE


def test_the_confirmation_after_voting_is_shown_next_to_the_ballot(
    client_as, member, make_vote_case
):
    vote = make_vote_case()
    client = client_as(member)
    response = cast(client, vote.id, vote.positions[0])
    assert response.headers["Location"].endswith(f"/cases/{vote.id}#ballot") or response.headers[
        "Location"
    ].endswith("#ballot")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    ballot_section = html.split('id="ballot"', 1)[1]
    assert "Din stemme er afgivet." in ballot_section.split("</form>", 1)[0]
    assert html.count("Din stemme er afgivet.") == 1  # not also above the fold
    changed = cast(client, vote.id, vote.positions[1])
    html = client.get(changed.headers["Location"]).get_data(as_text=True)
    assert "Din stemme er ændret." in html.split('id="ballot"', 1)[1]
