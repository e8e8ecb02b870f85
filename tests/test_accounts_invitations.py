"""Invitations: only the secretariat invites; the link expires after 14 days and works once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import delivered_mail, mailed_link, page_text
from thinktank.accounts.models import Invitation, User
from thinktank.accounts.roles import Role
from thinktank.audit.models import AuditEvent
from thinktank.extensions import db
from thinktank.models import utcnow

ACCEPT = {
    "display_name": "Ny Ekspert",
    "organisation": "Odense Kommune",
    "sector": "municipality",
    "password": "en god lang adgangssætning",
    "confirm": "en god lang adgangssætning",
}


def _invite(client, email="ny@odense.dk", role="member"):
    return client.post("/invitations/", data={"email": email, "role": role})


def _link(app) -> str:
    return mailed_link(app, "/invite/")


def test_secretariat_invites_and_the_invitee_joins_as_member(app, client_as, secretariat):
    response = _invite(client_as(secretariat))
    assert response.status_code == 302
    with app.app_context():
        message = delivered_mail()[-1]
        assert message["To"] == "ny@odense.dk"
        assert "14" in message.get_body(("plain",)).get_content()
    path = _link(app)
    invitee = app.test_client()
    form = invitee.get(path)
    assert form.status_code == 200 and "ny@odense.dk" in page_text(form)
    assert invitee.post(path, data=ACCEPT).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ny@odense.dk"))
        assert user.role == Role.MEMBER and user.organisation == "Odense Kommune"
        invitation = db.session.scalar(select(Invitation))
        assert invitation.accepted_user_id == user.id
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"member_invited", "invitation_accepted"} <= actions
    assert "Ny Ekspert" in page_text(invitee.get("/"))


def test_admin_invites_secretariat_staff(app, client_as, admin):
    client = client_as(admin)
    assert '<option value="secretariat">' in client.get("/invitations/").get_data(as_text=True)
    assert _invite(client, role="secretariat").status_code == 302
    app.test_client().post(_link(app), data=ACCEPT)
    with app.app_context():
        assert (
            db.session.scalar(select(User.role).where(User.email == "ny@odense.dk"))
            == Role.SECRETARIAT
        )


def test_secretariat_is_not_offered_to_invite_secretariat_staff(client_as, secretariat):
    html = client_as(secretariat).get("/invitations/").get_data(as_text=True)
    assert '<option value="member">' in html
    assert 'value="secretariat"' not in html


def test_secretariat_cannot_invite_secretariat_staff_by_a_crafted_post(app, client_as, secretariat):
    response = _invite(client_as(secretariat), role="secretariat")
    assert response.status_code == 200
    assert "Ikke et gyldigt valg." in page_text(response)
    assert 'value="ny@odense.dk"' in response.get_data(as_text=True)  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(select(Invitation)) is None
        assert delivered_mail() == []


def test_the_service_refuses_a_secretariat_invitation_from_the_secretariat(app, secretariat):
    from thinktank.accounts import service
    from thinktank.errors import NotAllowed

    with app.test_request_context():
        actor = db.session.get(User, secretariat.id)
        with pytest.raises(NotAllowed):
            service.invite(actor, "ny@odense.dk", Role.SECRETARIAT)
        assert db.session.scalar(select(Invitation)) is None
        assert delivered_mail() == []


@pytest.mark.parametrize("role", ["admin", "reader", "emperor", ""])
def test_crafted_role_is_refused(app, client_as, secretariat, role):
    response = _invite(client_as(secretariat), role=role)
    assert response.status_code == 200
    assert "Ikke et gyldigt valg." in page_text(response) or "skal udfyldes" in page_text(response)
    with app.app_context():
        assert db.session.scalar(select(Invitation)) is None
        assert delivered_mail() == []


@pytest.mark.parametrize("who", ["reader", "member"])
def test_only_secretariat_and_up_may_invite(role_clients, app, who):
    client = role_clients[who]
    assert client.get("/invitations/").status_code == 403
    assert _invite(client).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Invitation)) is None


def test_anonymous_is_sent_to_login(client):
    response = _invite(client)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_expired_link_is_refused(app, client_as, secretariat, monkeypatch):
    _invite(client_as(secretariat))
    path = _link(app)
    later = time.time() + timedelta(days=14, minutes=1).total_seconds()
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = app.test_client().get(path)
    assert response.status_code == 400
    assert "udløbet" in page_text(response)


def test_link_still_works_on_day_thirteen(app, client_as, secretariat, monkeypatch):
    _invite(client_as(secretariat))
    path = _link(app)
    later = time.time() + timedelta(days=13).total_seconds()
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert app.test_client().get(path).status_code == 200


def test_invitation_expired_in_the_database_is_refused(app, client_as, secretariat):
    _invite(client_as(secretariat))
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        invitation.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert "udløbet" in page_text(app.test_client().get(_link(app)))


def test_link_works_only_once(app, client_as, secretariat):
    _invite(client_as(secretariat))
    path = _link(app)
    assert app.test_client().post(path, data=ACCEPT).status_code == 302
    again = app.test_client().post(path, data=ACCEPT | {"display_name": "Ubuden Gæst"})
    assert again.status_code == 400
    assert "allerede blevet brugt" in page_text(again)
    with app.app_context():
        assert (
            db.session.scalar(
                select(db.func.count()).select_from(User).where(User.display_name == "Ubuden Gæst")
            )
            == 0
        )


def test_tampered_link_is_refused(app, client_as, secretariat):
    _invite(client_as(secretariat))
    path = _link(app)
    response = app.test_client().get(path[:-3] + "abc")
    assert response.status_code == 400 and "ikke gyldigt" in page_text(response)


def test_new_invitation_replaces_the_pending_one(app, client_as, secretariat):
    client = client_as(secretariat)
    _invite(client)
    first = _link(app)
    _invite(client)
    assert "trukket tilbage" in page_text(app.test_client().get(first))
    assert app.test_client().get(_link(app)).status_code == 200


def test_withdrawn_invitation_no_longer_works(app, client_as, secretariat):
    client = client_as(secretariat)
    _invite(client)
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    assert client.post(f"/invitations/{invitation_id}/revoke", data={}).status_code == 302
    assert app.test_client().get(_link(app)).status_code == 400


def test_cannot_invite_an_existing_account(app, client_as, secretariat, reader):
    response = _invite(client_as(secretariat), email=reader.email)
    assert "Der findes allerede en konto" in page_text(response)


def test_accepting_keeps_typed_values_on_error(app, client_as, secretariat):
    _invite(client_as(secretariat))
    path = _link(app)
    response = app.test_client().post(path, data=ACCEPT | {"sector": "", "confirm": "x"})
    text = page_text(response)
    assert "Vælg en sektor." in text and "De to adgangskoder er ikke ens." in text
    assert 'value="Odense Kommune"' in response.get_data(as_text=True)


def test_logged_in_user_is_asked_to_log_out_first(app, client_as, secretariat, reader):
    _invite(client_as(secretariat))
    response = client_as(reader).get(_link(app))
    assert "Log ud først" in page_text(response)


def test_invitations_page_lists_sent_invitations(app, client_as, secretariat):
    client = client_as(secretariat)
    _invite(client, email="a@example.dk")
    page = page_text(client.get("/invitations/"))
    assert "a@example.dk" in page and "Afventer" in page
