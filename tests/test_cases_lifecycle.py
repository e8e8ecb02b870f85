"""The case state machine: every allowed move per role, every refusal, the timeline and the log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from thinktank.audit.models import AuditEvent
from thinktank.cases import lifecycle
from thinktank.cases.models import Case, CaseTransition
from thinktank.cases.vocabulary import CaseState
from thinktank.extensions import db
from thinktank.transaction import transaction

ROLES = ["anonymous", "reader", "member", "author", "secretariat", "admin"]

# move -> (from state, roles allowed, resulting state); start_voting has its own form
# (thinktank.voting, tests/test_voting_start.py), so it is not a move of the generic buttons.
ALLOWED = {
    "submit": ("draft", {"author"}, "draft"),
    "open": ("draft", {"secretariat", "admin"}, "open"),
    "close_voting": ("voting", {"secretariat", "admin"}, "closed"),
    "archive": ("closed", {"secretariat", "admin"}, "archived"),
}


@pytest.fixture
def clients(role_clients, client_as, member, make_user):
    from thinktank.accounts.roles import Role

    # 'member' is the author of the cases below; another member is just a member
    return role_clients | {"author": client_as(member), "member": client_as(make_user(Role.MEMBER))}


def _state(app, case_id):
    with app.app_context():
        return db.session.get(Case, case_id).state


def _move(client, case, move, note=""):
    return client.post(f"/cases/{case.id}/transition", data={"move": move, "note": note})


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("move", ALLOWED)
def test_each_move_for_each_role(app, clients, make_case, move, who):
    source, allowed, target = ALLOWED[move]
    case = make_case(state=source, visibility="public")
    response = _move(clients[who], case, move, note="Begrundelse")
    if who in allowed:
        assert response.status_code == 302
        assert _state(app, case.id) == CaseState(target)
        with app.app_context():
            step = db.session.scalars(
                select(CaseTransition).where(CaseTransition.action == move)
            ).one()
            assert (step.from_state, step.to_state, step.note) == (
                CaseState(source),
                CaseState(target),
                "Begrundelse",
            )
    else:
        sees_the_draft = who in ("author", "secretariat", "admin")
        if source == "draft" and not sees_the_draft:
            expected = 404  # someone else's draft does not exist for them
        elif who == "anonymous":
            expected = 302  # to the login page
        else:
            expected = 403
        assert response.status_code == expected
        assert _state(app, case.id) == CaseState(source)


@pytest.mark.parametrize(
    ("move", "state"),
    [
        ("open", "open"),
        ("open", "voting"),
        ("close_voting", "open"),
        ("close_voting", "closed"),
        ("archive", "archived"),
        ("submit", "open"),
        ("return", "open"),
    ],
)
def test_moves_from_the_wrong_state_are_refused_with_a_message(
    app, clients, make_case, move, state
):
    case = make_case(state=state)
    response = _move(clients["secretariat"], case, move)
    if move == "submit":
        assert response.status_code == 403  # only the author submits
    else:
        assert response.status_code == 409
        assert "er ikke muligt, mens sagen har status" in page_text(response)
    assert _state(app, case.id) == CaseState(state)


@pytest.mark.parametrize(
    ("state", "move"),
    [("closed", "fly"), ("closed", "publish"), ("closed", ""), ("open", "start_voting")],
)
def test_unknown_and_system_only_moves_are_refused(app, clients, make_case, state, move):
    case = make_case(state=state)
    response = _move(clients["secretariat"], case, move)
    assert response.status_code == 409
    assert "Der findes ikke et sådant skridt" in page_text(response)
    assert _state(app, case.id) == CaseState(state)


def test_the_system_makes_only_system_moves_and_is_recorded_without_an_actor(app, make_case):
    from thinktank.errors import InvalidTransition

    case = make_case(state="voting")
    with app.test_request_context("/"):
        loaded = db.session.get(Case, case.id)
        with pytest.raises(InvalidTransition):
            lifecycle.transition(None, loaded, "close_voting")  # a manual call needs a person
        db.session.rollback()
        with transaction():
            step = lifecycle.transition(None, loaded, "close_voting", manual=False)
        assert (step.actor_id, loaded.state) == (None, CaseState.CLOSED)
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "case_close_voting")
        )
        assert event.actor_id is None


def test_submit_then_return_then_submit_again(app, clients, make_case):
    case = make_case(state="draft")
    assert _move(clients["author"], case, "submit").status_code == 302
    assert _move(clients["author"], case, "submit").status_code == 409  # already submitted
    assert _move(clients["secretariat"], case, "return", note="Uddyb risici").status_code == 302
    assert _move(clients["author"], case, "submit").status_code == 302
    with app.app_context():
        actions = [
            t.action for t in db.session.scalars(select(CaseTransition).order_by(CaseTransition.id))
        ]
    assert actions == ["create", "submit", "return", "submit"]


def test_secretariat_may_open_a_draft_that_was_not_submitted(app, clients, make_case):
    case = make_case(state="draft")
    assert _move(clients["secretariat"], case, "open").status_code == 302
    assert _state(app, case.id) == CaseState.OPEN


def test_archive_from_every_state(app, clients, make_case):
    for state in ("draft", "open", "voting", "closed", "recommended"):
        case = make_case(state=state)
        assert _move(clients["secretariat"], case, "archive").status_code == 302
        assert _state(app, case.id) == CaseState.ARCHIVED


def test_the_timeline_shows_each_step_with_who_and_note(app, clients, make_case, secretariat):
    case = make_case(state="draft", visibility="public")
    _move(clients["author"], case, "submit")
    _move(clients["secretariat"], case, "open", note="Klar til drøftelse")
    text = page_text(clients["anonymous"].get(f"/cases/{case.id}"))
    assert "Oprettet som kladde" in text
    assert "Sendt til sekretariatet" in text
    assert "Åbnet for drøftelse" in text and "Klar til drøftelse" in text
    assert f"af {secretariat.display_name}" in text


def test_public_log_shows_public_cases_only(app, clients, make_case):
    public = make_case(state="draft", visibility="public", title="Offentlig sag om chatbot")
    private = make_case(state="draft", visibility="members", title="Lukket sag om data")
    for case in (public, private):
        _move(clients["author"], case, "submit")
        _move(clients["secretariat"], case, "open")
    text = page_text(clients["anonymous"].get("/log"))
    assert "Sagen »Offentlig sag om chatbot« blev åbnet for drøftelse" in text
    assert "Lukket sag om data" not in text
    assert "blev indsendt" not in text  # draft steps are not public
    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditEvent).where(
                    AuditEvent.action == "case_open", AuditEvent.public.is_(False)
                )
            )
            is not None
        )


def test_buttons_match_the_moves_a_user_can_make(clients, make_case):
    case = make_case(state="open")
    secretariat_page = clients["secretariat"].get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'value="archive"' in secretariat_page
    assert 'value="open"' not in secretariat_page
    assert 'value="start_voting"' not in secretariat_page  # voting starts with its own form
    member_page = clients["member"].get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'name="move"' not in member_page


def test_a_guard_registered_by_another_domain_refuses_the_move(
    app, clients, make_case, monkeypatch
):
    monkeypatch.setitem(lifecycle._guards, "close_voting", [lambda case: "Der mangler stemmer."])
    case = make_case(state="voting")
    response = _move(clients["secretariat"], case, "close_voting")
    assert response.status_code == 409 and "Der mangler stemmer." in page_text(response)
    assert _state(app, case.id) == CaseState.VOTING


def test_over_long_note_is_refused(app, clients, make_case):
    case = make_case(state="draft")
    response = _move(clients["secretariat"], case, "open", note="x" * 1001)
    assert response.status_code == 302
    assert _state(app, case.id) == CaseState.DRAFT
    assert "Højst 1.000 tegn." in page_text(clients["secretariat"].get(f"/cases/{case.id}"))
