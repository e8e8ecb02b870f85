"""One unit of work: ``transaction()`` commits once and rolls everything back on an error, so
an action that fails half-way leaves the database exactly as it was; a view that writes
outside it fails in testing instead of silently losing the write."""

from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, delivered_mail, login, mailed_link, page_text
from thinktank.accounts.models import Invitation, User
from thinktank.accounts.roles import Role
from thinktank.audit.models import AuditEvent
from thinktank.extensions import db
from thinktank.transaction import UncommittedWrites, in_transaction, transaction

ACCEPT = {
    "display_name": "Ny Ekspert",
    "organisation": "Odense Kommune",
    "sector": "municipality",
    "password": "en god lang adgangssætning",
    "confirm": "en god lang adgangssætning",
}

DECLARATION = {
    "kind": "board_seat",
    "organisation": "Foreningen for Digital Inklusion",
    "description": "Ulønnet bestyrelsesmedlem",
    "starts_on": "2022-06-01",
    "ends_on": "",
}


def _new_user(email: str) -> User:
    return User(email=email, display_name=email, role=Role.READER, password_hash="-")


def _emails(app) -> set[str]:
    """The addresses in the database, read through a connection of its own."""
    with app.app_context(), db.engine.connect() as connection:
        return set(connection.scalars(select(User.email)))


def _snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table, read afresh: what "exactly as before" compares."""
    with app.app_context(), db.engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(table.select())), key=repr)
            for table in db.metadata.sorted_tables
        }


def _fail_after_flushing(*_args, **_kwargs):
    db.session.flush()  # the action's writes have reached the database before it fails
    raise RuntimeError("a later step of the action failed")


@pytest.fixture
def failing_app(make_app):
    """An app that answers an unexpected error with its 500 page, as in production."""
    return make_app(PROPAGATE_EXCEPTIONS=False)


# --- the helper itself -------------------------------------------------------------------


def test_transaction_commits_at_the_end_of_the_block(app):
    with app.app_context():
        with transaction():
            db.session.add(_new_user("a@example.dk"))
            db.session.flush()
            assert in_transaction()
            assert "a@example.dk" not in _emails(app)  # not yet visible to anyone else
        assert not in_transaction()
    assert "a@example.dk" in _emails(app)


def test_transaction_rolls_back_on_an_error(app):
    with app.app_context():
        with pytest.raises(RuntimeError), transaction():
            db.session.add(_new_user("a@example.dk"))
            db.session.flush()
            raise RuntimeError("boom")
        assert db.session.scalar(select(User)) is None
        assert not in_transaction()
    assert _emails(app) == set()


def test_nested_blocks_join_the_outer_one(app):
    with app.app_context():
        with transaction():
            with transaction():
                db.session.add(_new_user("inner@example.dk"))
            assert "inner@example.dk" not in _emails(app)  # the inner block did not commit
            db.session.add(_new_user("outer@example.dk"))
        assert _emails(app) == {"inner@example.dk", "outer@example.dk"}


def test_an_error_in_a_nested_block_rolls_back_the_whole_transaction(app):
    with app.app_context(), pytest.raises(RuntimeError), transaction():
        db.session.add(_new_user("outer@example.dk"))
        with transaction():
            db.session.add(_new_user("inner@example.dk"))
            db.session.flush()
            raise RuntimeError("boom")
    assert _emails(app) == set()


# --- real actions that fail half-way leave nothing behind --------------------------------


def test_an_invitation_whose_mail_fails_is_not_created(failing_app, secretariat, monkeypatch):
    def broken_mail(*_args):
        db.session.flush()
        raise smtplib.SMTPServerDisconnected("the mail server went away")

    monkeypatch.setattr("thinktank.accounts.service.send_mail", broken_mail)
    before = _snapshot(failing_app)
    client = login(failing_app.test_client(), secretariat)
    response = client.post("/invitations/", data={"email": "ny@odense.dk", "role": "member"})
    assert response.status_code == 500
    assert _snapshot(failing_app) == before
    with failing_app.app_context():
        assert db.session.scalar(select(Invitation)) is None
        assert delivered_mail() == []


def test_accepting_an_invitation_that_fails_creates_no_account(
    failing_app, secretariat, monkeypatch
):
    inviter = login(failing_app.test_client(), secretariat)
    assert (
        inviter.post("/invitations/", data={"email": "ny@odense.dk", "role": "member"}).status_code
        == 302
    )
    path = mailed_link(failing_app, "/invite/")
    before = _snapshot(failing_app)

    with monkeypatch.context() as patched:
        patched.setattr("thinktank.accounts.service.record", _fail_after_flushing)
        response = failing_app.test_client().post(path, data=ACCEPT)
    assert response.status_code == 500
    assert _snapshot(failing_app) == before  # no account, the invitation still pending
    with failing_app.app_context():
        assert db.session.scalar(select(Invitation)).accepted_at is None

    # the link still works once the fault is gone
    assert failing_app.test_client().post(path, data=ACCEPT).status_code == 302
    assert "ny@odense.dk" in _emails(failing_app)


def test_a_role_change_that_fails_leaves_the_role_and_the_log_as_they_were(
    failing_app, admin, reader, monkeypatch
):
    monkeypatch.setattr("thinktank.accounts.service.record", _fail_after_flushing)
    before = _snapshot(failing_app)
    client = login(failing_app.test_client(), admin)
    response = client.post(f"/admin/users/{reader.id}", data={"role": "member"})
    assert response.status_code == 500
    assert _snapshot(failing_app) == before
    with failing_app.app_context():
        assert db.session.get(User, reader.id).role == Role.READER
        assert db.session.scalar(select(AuditEvent)) is None


def test_declaring_an_interest_that_fails_declares_nothing(failing_app, member, monkeypatch):
    monkeypatch.setattr("thinktank.members.service.record", _fail_after_flushing)
    before = _snapshot(failing_app)
    client = login(failing_app.test_client(), member)
    response = client.post("/profile/interests", data=DECLARATION)
    assert response.status_code == 500
    assert _snapshot(failing_app) == before
    assert "Foreningen for Digital Inklusion" not in page_text(
        failing_app.test_client().get(f"/members/{member.id}")
    )


def test_a_registration_that_fails_creates_no_account(failing_app, monkeypatch):
    client = failing_app.test_client()
    sent = client.post(
        "/register",
        data={
            "email": "ny@odense.dk",
            "display_name": "Ny Læser",
            "organisation": "",
            "sector": "",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert sent.status_code == 200
    path = mailed_link(failing_app, "/register/")
    before = _snapshot(failing_app)
    monkeypatch.setattr("thinktank.accounts.registration.record", _fail_after_flushing)
    response = failing_app.test_client().post(path, data={})
    assert response.status_code == 500
    assert _snapshot(failing_app) == before
    assert "ny@odense.dk" not in _emails(failing_app)


# --- small writes that come with a page are kept -----------------------------------------


def test_logging_in_records_the_time_of_the_last_login(app, client, member):
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).last_login_at is not None


def test_opening_a_notification_marks_it_read_and_read_all_marks_the_rest(
    app, client_as, member, secretariat
):
    from thinktank.notifications.models import Notification
    from thinktank.notifications.service import notify

    with app.test_request_context(), transaction():
        for title in ("Første", "Anden"):
            notify(member.id, "mention", actor=secretariat, url="/cases/", title=title)
    with app.app_context():
        first, second = db.session.scalars(select(Notification.id).order_by(Notification.id))
    client = client_as(member)
    assert client.get(f"/notifications/{first}").status_code == 302
    with app.app_context():
        read = dict(db.session.execute(select(Notification.id, Notification.read_at)).all())
        assert read[first] is not None and read[second] is None
    assert client.post("/notifications/read", data={}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Notification.read_at).where(Notification.id == second))


# --- a forgotten transaction() fails in testing ------------------------------------------


def _app_with_write_routes(make_app):
    app = make_app()

    @app.get("/test-only/forgotten")
    def forgotten():
        db.session.add(_new_user("lost@example.dk"))
        db.session.flush()
        return "written"

    @app.get("/test-only/committed")
    def committed():
        with transaction():
            db.session.add(_new_user("kept@example.dk"))
        return "written"

    return app


def test_a_view_that_writes_outside_a_transaction_fails_in_testing(make_app):
    app = _app_with_write_routes(make_app)
    with pytest.raises(UncommittedWrites):
        app.test_client().get("/test-only/forgotten")
    assert _emails(app) == set()  # and the write is rolled back, not committed by accident


def test_a_view_that_writes_inside_a_transaction_passes_the_check(make_app):
    app = _app_with_write_routes(make_app)
    response = app.test_client().get("/test-only/committed")
    assert response.status_code == 200
    assert _emails(app) == {"kept@example.dk"}
