"""Security headers on every response, CSRF on every form, cookie flags."""

from __future__ import annotations

import pytest

from tests.conftest import page_text

PATHS = ["/", "/login", "/health", "/static/css/site.css", "/no-such-page", "/profile", "/log"]


@pytest.mark.parametrize("path", PATHS)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_script_in_pages(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "onclick" not in html and "style=" not in html


@pytest.mark.parametrize("path", ["/login", "/register", "/reset"])
def test_post_without_csrf_token_is_refused_with_a_clear_page(client, path):
    response = client.post(path, data={"email": "a@example.dk"}, csrf=False)
    assert response.status_code == 400
    assert "Formularen var udløbet" in page_text(response)


def test_post_with_a_wrong_csrf_token_is_refused(client_as, member):
    response = client_as(member).post(
        "/profile", data={"display_name": "X", "csrf_token": "forged"}
    )
    assert response.status_code == 400


def test_session_cookie_flags_in_production(make_app, member, monkeypatch):
    app = make_app(ENV="production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/", base_url="https://localhost")
    assert "Strict-Transport-Security" in response.headers


def test_session_cookie_is_httponly_and_lax(client, member):
    client.post("/login", data={"email": member.email, "password": "en lang og sikker sætning"})
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


@pytest.mark.parametrize("path", ["/", "/profile", "/cases/", "/no-such-page", "/log"])
def test_pages_for_a_logged_in_user_are_never_stored(client_as, member, path):
    response = client_as(member).get(path)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_post_answer_to_a_logged_in_user_is_never_stored(client_as, member):
    response = client_as(member).post("/profile", data={"display_name": ""})
    assert response.headers["Cache-Control"] == "private, no-store"


def test_anonymous_pages_and_static_files_may_be_cached(client, client_as, member):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    static = client_as(member).get("/static/css/site.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")
