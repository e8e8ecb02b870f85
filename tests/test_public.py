"""Front page, public log and health."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from tests.conftest import page_text


def test_front_page_says_what_the_think_tank_is(client):
    text = page_text(client.get("/"))
    assert "KL's tænketank" in text
    assert "Det kan du her" in text


def test_navigation_follows_the_role(role_clients):
    assert "Brugere" not in page_text(role_clients["secretariat"].get("/"))
    assert "Invitationer" in page_text(role_clients["secretariat"].get("/"))
    assert "Brugere" in page_text(role_clients["admin"].get("/"))
    assert "Invitationer" not in page_text(role_clients["member"].get("/"))


def test_health_reports_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_down(app, client, monkeypatch):
    from thinktank.extensions import db

    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/health")
    assert response.status_code == 503


def test_public_log_shows_public_events_only(app, client_as, secretariat, client):
    secretariat_client = client_as(secretariat)
    secretariat_client.post("/invitations/", data={"email": "ny@example.dk", "role": "member"})
    with app.app_context():
        from thinktank.accounts.models import Invitation
        from thinktank.extensions import db

        invitation_id = db.session.scalar(db.select(Invitation.id))
    secretariat_client.post(f"/invitations/{invitation_id}/revoke", data={})
    text = page_text(client.get("/log"))
    assert "En ny person blev inviteret som medlem" in text
    assert "ny@example.dk" not in text
    assert "trukket tilbage" not in text


def test_the_footer_does_not_link_the_health_check_as_a_page(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/health"' not in html and "Driftsstatus" not in html
    assert client.get("/health").status_code == 200  # still there for operators
