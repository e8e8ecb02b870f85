"""Changing the e-mail address: a link to the new address confirms it, the old address gets a
notice, and nothing changes until the link is used (once)."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import PASSWORD, delivered_mail, page_text
from thinktank.accounts.models import User
from thinktank.extensions import db


def _plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def _email(app, user_id: int) -> str:
    with app.app_context():
        return db.session.scalar(select(User.email).where(User.id == user_id))


def test_profile_offers_the_email_change(client_as, member):
    html = client_as(member).get("/profile").get_data(as_text=True)
    assert 'action="/profile/email"' in html


def test_new_address_confirms_and_old_address_is_told(app, client_as, member):
    client = client_as(member)
    response = client.post(
        "/profile/email", data={"new_email": "Ny@Testrup.dk", "email_password": PASSWORD}
    )
    assert response.status_code == 302
    with app.app_context():
        sent = {m["To"]: _plain(m) for m in delivered_mail()}
    assert "ny@testrup.dk" in sent and member.email in sent
    assert "ny@testrup.dk" in sent[member.email]
    assert _email(app, member.id) == member.email  # not yet
    path = sent["ny@testrup.dk"].split("http://localhost", 1)[1].split()[0]
    assert "ny@testrup.dk" in page_text(client.get(path))
    assert client.post(path, data={}).status_code == 302
    assert _email(app, member.id) == "ny@testrup.dk"
    again = client.post(path, data={})
    assert again.status_code == 400  # used once: the account's address has changed


def test_wrong_password_or_taken_address_gets_a_form_message(app, client_as, member, reader):
    client = client_as(member)
    wrong = client.post("/profile/email", data={"new_email": "x@y.dk", "email_password": "nej"})
    assert "Adgangskoden er ikke korrekt." in page_text(wrong)
    taken = client.post(
        "/profile/email", data={"new_email": reader.email, "email_password": PASSWORD}
    )
    assert taken.status_code == 200 and "findes allerede" in page_text(taken)
    bad = client.post(
        "/profile/email", data={"new_email": "ikke-en-adresse", "email_password": PASSWORD}
    )
    assert bad.status_code == 200
    assert _email(app, member.id) == member.email


def test_forged_link_is_refused(client):
    assert client.get("/profile/email/forfalsket").status_code == 400


def test_anonymous_cannot_ask_for_a_change(client):
    assert client.post("/profile/email", data={"new_email": "a@b.dk"}).status_code == 302


def test_purge_expired_removes_expired_and_withdrawn_invitations_only(app, secretariat):
    from datetime import timedelta

    from thinktank.accounts.models import Invitation
    from thinktank.accounts.roles import Role
    from thinktank.models import utcnow

    now = utcnow()
    with app.app_context():
        db.session.add_all(
            [
                Invitation(
                    email="gammel@x.dk", role=Role.MEMBER, expires_at=now - timedelta(days=1)
                ),
                Invitation(
                    email="trukket@x.dk",
                    role=Role.MEMBER,
                    expires_at=now + timedelta(days=5),
                    revoked_at=now,
                ),
                Invitation(
                    email="gyldig@x.dk", role=Role.MEMBER, expires_at=now + timedelta(days=5)
                ),
                Invitation(
                    email="brugt@x.dk",
                    role=Role.MEMBER,
                    expires_at=now - timedelta(days=1),
                    accepted_at=now - timedelta(days=2),
                ),
            ]
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert result.exit_code == 0 and "2 expired" in result.output
    with app.app_context():
        left = set(db.session.scalars(select(Invitation.email)))
    assert left == {"gyldig@x.dk", "brugt@x.dk"}


def test_a_verified_address_is_what_email_features_ask_for(app, make_user):
    from thinktank.models import utcnow
    from thinktank.permissions import can

    unverified = make_user(email_verified_at=None)
    verified = make_user(email_verified_at=utcnow())
    with app.app_context():
        assert not can(unverified, "use_verified_email")
        assert can(verified, "use_verified_email")


def test_changing_the_address_verifies_it(app, client_as, member):
    client = client_as(member)
    client.post("/profile/email", data={"new_email": "ny2@testrup.dk", "email_password": PASSWORD})
    with app.app_context():
        body = next(_plain(m) for m in delivered_mail() if m["To"] == "ny2@testrup.dk")
    client.post(body.split("http://localhost", 1)[1].split()[0], data={})
    with app.app_context():
        assert db.session.get(User, member.id).email_verified_at is not None
