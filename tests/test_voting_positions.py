"""Positions: the secretariat adds and decides, members propose while the case is open, and
nothing about positions changes once voting has started."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from thinktank.extensions import db
from thinktank.voting.models import Position, PositionStatus

NEW = {
    "position-title": "Ja, hvis borgeren kan anfægte sin kategori",
    "position-explanation": "**Betingelse:** ret til indsigt",
}


def _positions(app, case_id):
    with app.app_context():
        return list(
            db.session.scalars(
                select(Position).where(Position.case_id == case_id).order_by(Position.id)
            )
        )


def _propose(client, case_id, **fields):
    return client.post(f"/cases/{case_id}/positions/new", data=NEW | fields)


def test_secretariat_adds_an_approved_position_with_cooked_markdown(
    app, client_as, secretariat, make_case
):
    case = make_case(state="open")
    response = _propose(client_as(secretariat), case.id)
    assert response.status_code == 302 and response.headers["Location"].endswith("#voting")
    [position] = _positions(app, case.id)
    assert position.status == PositionStatus.APPROVED
    assert position.explanation_html == "<p><strong>Betingelse:</strong> ret til indsigt</p>"
    assert position.proposer_id == position.decided_by_id == secretariat.id


def test_member_proposes_and_the_secretariat_approves(
    app, client_as, member, secretariat, make_case
):
    case = make_case(state="open", visibility="public")
    assert _propose(client_as(member), case.id).status_code == 302
    [proposal] = _positions(app, case.id)
    assert proposal.status == PositionStatus.PROPOSED
    staff = client_as(secretariat)
    page = page_text(staff.get(f"/cases/{case.id}"))
    assert "Foreslåede holdninger" in page and "Foreslået af" in page
    # readers do not see proposals, only approved positions
    assert NEW["position-title"] not in page_text(client_as(None).get(f"/cases/{case.id}"))
    response = staff.post(f"/cases/{case.id}/positions/{proposal.id}/approve", data={})
    assert response.status_code == 302
    assert _positions(app, case.id)[0].status == PositionStatus.APPROVED
    assert NEW["position-title"] in page_text(client_as(None).get(f"/cases/{case.id}"))


def test_secretariat_rejects_a_proposal_with_a_reason_members_can_read(
    app, client_as, member, make_user, secretariat, make_case
):
    case = make_case(state="open")
    _propose(client_as(member), case.id)
    [proposal] = _positions(app, case.id)
    staff = client_as(secretariat)
    url = f"/cases/{case.id}/positions/{proposal.id}/reject"
    without_reason = staff.post(url, data={"reject-reason": "  "})
    assert without_reason.status_code == 400
    assert "Giv en begrundelse for at afvise forslaget." in page_text(without_reason)
    assert _positions(app, case.id)[0].status == PositionStatus.PROPOSED
    assert staff.post(url, data={"reject-reason": "Dækkes af position 1."}).status_code == 302
    rejected = _positions(app, case.id)[0]
    assert (rejected.status, rejected.rejection_reason) == (
        PositionStatus.REJECTED,
        "Dækkes af position 1.",
    )
    other_member = page_text(client_as(make_user()).get(f"/cases/{case.id}"))
    assert "Afvist" in other_member and "Dækkes af position 1." in other_member
    assert (
        staff.post(f"/cases/{case.id}/positions/{proposal.id}/approve", data={}).status_code == 302
    )


def test_secretariat_edits_a_position(app, client_as, secretariat, make_case):
    case = make_case(state="open")
    staff = client_as(secretariat)
    _propose(staff, case.id)
    [position] = _positions(app, case.id)
    url = f"/cases/{case.id}/positions/{position.id}/edit"
    assert NEW["position-title"] in staff.get(url).get_data(as_text=True)
    response = staff.post(url, data={"position-title": "Nej", "position-explanation": "*Aldrig*"})
    assert response.status_code == 302
    edited = _positions(app, case.id)[0]
    assert (edited.title, edited.explanation_html) == ("Nej", "<p><em>Aldrig</em></p>")


def test_a_title_over_200_characters_is_refused(app, client_as, secretariat, make_case):
    case = make_case(state="open")
    response = _propose(client_as(secretariat), case.id, **{"position-title": "x" * 201})
    assert response.status_code == 400 and "Højst 200 tegn." in page_text(response)
    assert _positions(app, case.id) == []


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("reader", 403)])
def test_readers_cannot_propose(app, role_clients, make_case, who, status):
    case = make_case(state="open", visibility="public")
    assert _propose(role_clients[who], case.id).status_code == status
    assert _positions(app, case.id) == []


def test_members_cannot_approve_reject_or_edit(app, client_as, member, make_user, make_case):
    case = make_case(state="open")
    _propose(client_as(member), case.id)
    [proposal] = _positions(app, case.id)
    other = client_as(make_user())
    base = f"/cases/{case.id}/positions/{proposal.id}"
    assert other.post(f"{base}/approve", data={}).status_code == 403
    assert other.post(f"{base}/reject", data={"reject-reason": "Nej"}).status_code == 403
    assert other.post(f"{base}/edit", data=NEW).status_code == 403
    assert _positions(app, case.id)[0].status == PositionStatus.PROPOSED


def test_members_propose_only_while_the_case_is_open(app, client_as, member, make_case):
    draft = make_case(state="draft")  # the member's own draft
    response = _propose(client_as(member), draft.id)
    assert response.status_code == 409
    assert "mens sagen er åben for drøftelse" in page_text(response)
    assert _positions(app, draft.id) == []


def test_a_position_of_another_case_is_not_found(app, client_as, secretariat, make_case):
    one, two = make_case(state="open"), make_case(state="open")
    staff = client_as(secretariat)
    _propose(staff, one.id)
    [position] = _positions(app, one.id)
    assert (
        staff.post(f"/cases/{two.id}/positions/{position.id}/approve", data={}).status_code == 404
    )
    assert staff.get(f"/cases/{two.id}/positions/{position.id}/edit").status_code == 404


@pytest.mark.parametrize("state", ["voting", "closed", "archived"])
def test_nothing_about_positions_changes_once_voting_has_started(
    app, client_as, member, secretariat, make_vote_case, state
):
    vote = make_vote_case()
    if state != "voting":
        client_as(secretariat).post(
            f"/cases/{vote.id}/transition",
            data={"move": "archive" if state == "archived" else "close_voting"},
        )
    staff = client_as(secretariat)
    base = f"/cases/{vote.id}/positions/{vote.positions[0]}"
    crafted = [
        staff.post(f"/cases/{vote.id}/positions/new", data=NEW),
        client_as(member).post(f"/cases/{vote.id}/positions/new", data=NEW),
        staff.post(f"{base}/edit", data=NEW),
        staff.post(f"{base}/approve", data={}),
        staff.post(f"{base}/reject", data={"reject-reason": "Nej"}),
    ]
    for response in crafted:
        assert response.status_code == 409, response.request.path
    if state != "archived":
        assert "Afstemningen om sagen er gået i gang" in page_text(crafted[0])
    titles = [p.title for p in _positions(app, vote.id)]
    assert titles == ["Ja, på betingelser", "Nej"]
    page = staff.get(f"/cases/{vote.id}").get_data(as_text=True)
    assert "/positions/new" not in page and "/edit" not in page.split('id="voting"')[1]


def test_approved_positions_for_the_discussion(app, client_as, member, secretariat, make_case):
    from thinktank.voting.service import approved_positions

    case = make_case(state="open")
    staff = client_as(secretariat)
    _propose(staff, case.id, **{"position-title": "Ja"})
    _propose(client_as(member), case.id, **{"position-title": "Måske"})
    _propose(staff, case.id, **{"position-title": "Nej"})
    with app.app_context():
        found = [(p.case_id, p.title) for p in approved_positions(case.id)]
    assert found == [(case.id, "Ja"), (case.id, "Nej")]


def test_an_approved_position_cannot_be_rejected(app, client_as, member, secretariat, make_case):
    case = make_case(state="open", visibility="public")
    staff = client_as(secretariat)
    _propose(client_as(member), case.id)
    [position] = _positions(app, case.id)
    staff.post(f"/cases/{case.id}/positions/{position.id}/approve", data={})
    edit_page = staff.get(f"/cases/{case.id}/positions/{position.id}/edit")
    assert "/reject" not in edit_page.get_data(as_text=True)  # no reject form is offered
    response = staff.post(
        f"/cases/{case.id}/positions/{position.id}/reject", data={"reject-reason": "Alligevel ikke"}
    )
    assert response.status_code == 409
    assert "Kun en foreslået holdning kan afvises." in page_text(response)
    [stored] = _positions(app, case.id)
    assert (stored.status, stored.rejection_reason) == (PositionStatus.APPROVED, "")
    assert NEW["position-title"] in page_text(client_as(None).get(f"/cases/{case.id}"))
