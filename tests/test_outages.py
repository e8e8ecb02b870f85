"""Helper services failing: the rate-limit storage (Redis) and the database."""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import PASSWORD, login, page_text

REDIS_DOWN = "redis://127.0.0.1:1"


def _login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_member_logs_in_while_the_rate_limit_storage_is_down(make_app, member, caplog):
    app = make_app(RATELIMIT_STORAGE_URI=REDIS_DOWN)
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        response = _login(client, member.email)
    assert response.status_code == 302
    assert member.display_name in page_text(client.get("/"))
    assert any(
        record.levelno == logging.WARNING and "unreachable" in record.getMessage()
        for record in caplog.records
    ), caplog.text


def test_login_limit_still_counts_in_memory_while_the_storage_is_down(make_app, member):
    app = make_app(RATELIMIT_STORAGE_URI=REDIS_DOWN, LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes")
    client = app.test_client()
    assert _login(client, member.email, "forkert adgangskode her").status_code == 200
    assert _login(client, member.email, "forkert adgangskode her").status_code == 200
    assert _login(client, member.email).status_code == 429


def test_an_app_after_an_outage_uses_its_own_storage(make_app, member):
    down = make_app(RATELIMIT_STORAGE_URI=REDIS_DOWN)
    _login(down.test_client(), member.email)
    # the limiter object is shared by every app in the process; a new app must not inherit
    # the earlier app's outage and count in a fallback that it never announced
    from thinktank.extensions import limiter

    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="1 per 15 minutes")
    client = app.test_client()
    _login(client, member.email, "forkert adgangskode her")
    assert _login(client, member.email).status_code == 429
    assert limiter.limiter.storage is limiter.storage


# --- the database ------------------------------------------------------------------------

DATABASE_DOWN = {
    "sqlite": "sqlite:////nonexistent-thinktank-folder/down.sqlite3",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/down",
}


@pytest.fixture(params=sorted(DATABASE_DOWN))
def app_without_database(request, app, make_app):
    """An app whose database cannot be reached; ``app`` (built first) owns the test database."""
    return make_app(
        SQLALCHEMY_DATABASE_URI=DATABASE_DOWN[request.param],
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        PROPAGATE_EXCEPTIONS=False,
    )


def _assert_unavailable(response, heading="Tænketanken er midlertidigt utilgængelig"):
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert heading in page_text(response)


def test_pages_answer_503_with_retry_after_while_the_database_is_down(app_without_database):
    client = app_without_database.test_client()
    response = client.get("/cases/")
    _assert_unavailable(response)
    assert "Prøv igen" in page_text(response)
    assert 'href="/cases/"' in response.get_data(as_text=True)


def test_the_outage_page_is_in_english_for_english_readers(app_without_database):
    client = app_without_database.test_client()
    client.set_cookie("thinktank_lang", "en")
    _assert_unavailable(client.get("/"), "Tænketanken is temporarily unavailable")


def test_logged_in_member_gets_503_not_500_while_the_database_is_down(app_without_database, member):
    client = login(app_without_database.test_client(), member)
    response = client.get("/profile")
    _assert_unavailable(response)
    assert member.display_name not in page_text(response)


def test_logging_in_while_the_database_is_down_answers_503(app_without_database, member):
    client = app_without_database.test_client()
    form = client.get("/login")  # the login form itself needs no database
    assert form.status_code == 200
    token = re.search(r'name="csrf_token" [^>]*value="([^"]+)"', form.get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": member.email, "password": PASSWORD, "csrf_token": token.group(1)},
        headers={"Referer": "http://localhost/login?next=/profile"},
        csrf=False,
    )
    _assert_unavailable(response)
    assert 'href="/login?next=/profile"' in response.get_data(as_text=True)


def test_a_request_hook_that_loads_the_user_does_not_turn_the_outage_into_a_500(
    app_without_database, member
):
    from flask_login import current_user

    @app_without_database.after_request
    def private_for_members(response):  # as a no-store header for logged-in pages would
        if current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response

    client = login(app_without_database.test_client(), member)
    _assert_unavailable(client.get("/health"))


def test_health_reports_the_database_unreachable(app_without_database):
    response = app_without_database.test_client().get("/health")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}


def test_api_clients_get_json_503(app_without_database):
    response = app_without_database.test_client().get(
        "/cases/", headers={"Accept": "application/json"}
    )
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.json["error"]["status"] == 503
