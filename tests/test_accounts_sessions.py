"""Logging out ends the session on the server: saved session and remember-me cookies die,
"log out everywhere" ends other browsers' sessions, and logging in starts a new CSRF token."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import PASSWORD, page_text
from thinktank.accounts.models import User
from thinktank.extensions import db

_CSRF_INPUT = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def _client_with_cookie(app, name: str, value: str):
    """A browser that has nothing but one cookie someone saved earlier."""
    client = app.test_client()
    client.set_cookie(name, value)
    return client


def _cookie(client, name: str) -> str:
    return client.get_cookie(name).value


def test_saved_session_cookie_stops_working_after_logout(app, client, member):
    _login(client, member.email)
    saved = _cookie(client, "session")
    assert _client_with_cookie(app, "session", saved).get("/profile").status_code == 200
    client.post("/logout", data={})
    replay = _client_with_cookie(app, "session", saved).get("/profile")
    assert replay.status_code == 302 and replay.headers["Location"].startswith("/login")


def test_saved_remember_cookie_stops_working_after_logout(app, client, member):
    _login(client, member.email, remember="y")
    saved = _cookie(client, "remember_token")
    assert _client_with_cookie(app, "remember_token", saved).get("/profile").status_code == 200
    client.post("/logout", data={})
    replay = _client_with_cookie(app, "remember_token", saved).get("/profile")
    assert replay.status_code == 302 and replay.headers["Location"].startswith("/login")


def test_logging_in_again_after_logout_works(client, member):
    _login(client, member.email)
    client.post("/logout", data={})
    assert _login(client, member.email).status_code == 302
    assert client.get("/profile").status_code == 200


def test_logout_page_says_it_ends_every_session(client_as, member):
    page = client_as(member).get("/logout")
    assert "Når du logger ud, slutter din session på alle enheder" in page_text(page)


def test_profile_offers_log_out_everywhere(client_as, member):
    page = client_as(member).get("/profile")
    html = page.get_data(as_text=True)
    assert "Log ud på alle enheder" in page_text(page)
    form = re.search(
        r'<form method="post" action="/profile/logout-everywhere">(.*?)</form>', html, re.S
    )
    assert form is not None and 'name="csrf_token"' in form.group(1)


def test_log_out_everywhere_ends_another_browsers_session(app, member):
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, member.email)
    _login(phone, member.email, remember="y")
    remembered = _cookie(phone, "remember_token")
    assert phone.get("/profile").status_code == 200

    response = laptop.post("/profile/logout-everywhere", data={})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Du er logget ud på alle enheder." in page_text(laptop.get("/login"))
    assert laptop.get("/profile").status_code == 302
    assert phone.get("/profile").status_code == 302
    assert _client_with_cookie(app, "remember_token", remembered).get("/profile").status_code == 302


def test_log_out_everywhere_needs_the_csrf_token(app, client_as, member):
    client = client_as(member)
    with app.app_context():
        token_before = db.session.scalar(select(User.session_token).where(User.id == member.id))
    response = client.post("/profile/logout-everywhere", data={}, csrf=False)
    assert response.status_code == 400
    assert client.get("/profile").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User.session_token).where(User.id == member.id)) == (
            token_before
        )


def test_log_out_everywhere_needs_a_login(client):
    response = client.post("/profile/logout-everywhere", data={})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_csrf_token_from_before_login_is_refused_after_login(app, client, member):
    login_page = client.get("/login").get_data(as_text=True)
    planted = _CSRF_INPUT.search(login_page).group(1)
    response = client.post(
        "/login", data={"email": member.email, "password": PASSWORD, "csrf_token": planted}
    )
    assert response.status_code == 302
    stale = client.post(
        "/profile",
        data={"display_name": "Planted Name", "organisation": "", "csrf_token": planted},
    )
    assert stale.status_code == 400
    assert "Formularen var udløbet" in page_text(stale)
    with app.app_context():
        assert db.session.get(User, member.id).display_name == member.display_name
    fresh = _CSRF_INPUT.search(client.get("/profile").get_data(as_text=True)).group(1)
    assert fresh != planted
    saved = client.post(
        "/profile", data={"display_name": "Own Name", "organisation": "", "csrf_token": fresh}
    )
    assert saved.status_code == 302
