"""Password reset by e-mailed token: expiring and single use; never tells whether an e-mail exists."""

from __future__ import annotations

import time

from tests.conftest import PASSWORD, delivered_mail, mailed_link, page_text

NEW = {"password": "et helt nyt kodeord til mig", "confirm": "et helt nyt kodeord til mig"}


def _reset_link(app) -> str:
    return mailed_link(app, "/reset/")


def test_reset_by_email_link(app, client, member):
    response = client.post("/reset", data={"email": member.email})
    assert response.status_code == 302
    path = _reset_link(app)
    assert client.post(path, data=NEW).status_code == 302
    fresh = app.test_client()
    assert (
        fresh.post("/login", data={"email": member.email, "password": NEW["password"]}).status_code
        == 302
    )
    old = app.test_client().post("/login", data={"email": member.email, "password": PASSWORD})
    assert old.status_code == 200


def test_unknown_email_gets_the_same_answer_and_no_mail(app, client, member):
    known = client.post("/reset", data={"email": member.email}, follow_redirects=True)
    unknown = client.post("/reset", data={"email": "nobody@example.dk"}, follow_redirects=True)
    assert page_text(known).replace(member.email, "X") == page_text(unknown).replace(
        "nobody@example.dk", "X"
    )
    with app.app_context():
        assert len(delivered_mail()) == 1


def test_link_works_once(app, client, member):
    client.post("/reset", data={"email": member.email})
    path = _reset_link(app)
    client.post(path, data=NEW)
    again = app.test_client().get(path)
    assert again.status_code == 400
    assert "ikke gyldigt" in page_text(again)


def test_link_expires(app, client, member, monkeypatch):
    client.post("/reset", data={"email": member.email})
    path = _reset_link(app)
    later = time.time() + 3 * 3600
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert app.test_client().get(path).status_code == 400


def test_weak_new_password_is_refused(app, client, member):
    client.post("/reset", data={"email": member.email})
    response = client.post(
        _reset_link(app), data={"password": "password1234", "confirm": "password1234"}
    )
    assert response.status_code == 200 and "for almindelig" in page_text(response)


def test_reset_ends_other_sessions(app, client_as, client, member):
    other = client_as(member)
    assert other.get("/profile").status_code == 200
    client.post("/reset", data={"email": member.email})
    client.post(_reset_link(app), data=NEW)
    assert other.get("/profile").status_code == 302


def test_bad_email_gives_field_error(client):
    response = client.post("/reset", data={"email": "x" * 10_000})
    assert response.status_code == 200 and "Højst 254 tegn." in page_text(response)
