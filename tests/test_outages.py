"""Helper services failing: the rate-limit storage (Redis) and the database."""

from __future__ import annotations

import logging

from tests.conftest import PASSWORD, page_text

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
