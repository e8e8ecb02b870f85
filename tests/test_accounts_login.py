"""Logging in and out, remember me, safe redirects and rate limits."""

from __future__ import annotations

from tests.conftest import PASSWORD, page_text


def _login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_member_logs_in_and_sees_their_name(client, member):
    response = _login(client, member.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert member.display_name in page_text(page)


def test_login_is_case_insensitive_on_email(client, member):
    response = _login(client, "  " + member.email.upper() + " ")
    assert response.status_code == 302


def test_wrong_password_and_unknown_email_give_the_same_answer(client, member):
    wrong = _login(client, member.email, "forkert adgangskode her")
    unknown = _login(client, "nobody@example.dk", "forkert adgangskode her")
    assert wrong.status_code == unknown.status_code == 200
    assert "Forkert e-mailadresse eller adgangskode." in page_text(wrong)
    assert page_text(wrong).replace(member.email, "X") == page_text(unknown).replace(
        "nobody@example.dk", "X"
    )


def test_login_keeps_the_typed_email(client, member):
    response = _login(client, member.email, "forkert adgangskode her")
    assert f'value="{member.email}"' in response.get_data(as_text=True)


def test_deactivated_account_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = _login(client, user.email)
    assert "Forkert e-mailadresse eller adgangskode." in page_text(response)


def test_remember_me_sets_a_lasting_httponly_cookie(client, member):
    _login(client, member.email, remember="y")
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only and cookie.expires is not None


def test_without_remember_me_no_remember_cookie(client, member):
    _login(client, member.email)
    assert client.get_cookie("remember_token") is None


def test_login_redirects_to_a_safe_next_page_only(client, member):
    response = client.post(
        "/login?next=/profile", data={"email": member.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/profile"
    client.post("/logout", data={})
    response = client.post(
        "/login?next=//evil.example/x", data={"email": member.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_logout_needs_a_post_and_ends_the_session(client, member):
    _login(client, member.email)
    confirm = client.get("/logout")
    assert confirm.status_code == 200 and "Log ud" in page_text(confirm)
    assert client.get("/profile").status_code == 200
    client.post("/logout", data={})
    assert client.get("/profile").status_code == 302


def test_empty_and_huge_input_gives_field_errors(client):
    empty = _login(client, "", "")
    assert empty.status_code == 200
    assert "Dette felt skal udfyldes." in page_text(empty)
    huge = _login(client, "a" * 10_000 + "@example.dk", "x" * 10_000)
    assert huge.status_code == 200
    assert "Højst 254 tegn." in page_text(huge)


def test_repeated_failures_for_one_account_answer_429_in_danish(make_app, member):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes", LOGIN_LIMIT_PER_IP="100 per minute")
    client = app.test_client()
    for _ in range(3):
        assert _login(client, member.email, "forkert adgangskode her").status_code == 200
    blocked = _login(client, member.email, PASSWORD)
    assert blocked.status_code == 429
    assert "For mange forsøg" in page_text(blocked)
    assert blocked.headers.get("Retry-After")
    # another account from the same address is not blocked by this account's limit
    other = _login(client, "someone.else@example.dk", "forkert adgangskode her")
    assert other.status_code == 200


def test_repeated_failures_from_one_address_answer_429(make_app, member):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="100 per minute", LOGIN_LIMIT_PER_IP="4 per 15 minutes")
    client = app.test_client()
    for n in range(4):
        _login(client, f"guess{n}@example.dk", "forkert adgangskode her")
    assert _login(client, member.email).status_code == 429


def test_successful_logins_do_not_use_up_the_limit(make_app, member):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes")
    client = app.test_client()
    for _ in range(4):
        assert _login(client, member.email).status_code == 302
        client.post("/logout", data={})


def test_rate_limit_can_use_redis(make_app, member):
    import pytest
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    app = make_app(
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
        LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes",
        RATELIMIT_KEY_PREFIX=f"test-{member.session_token[:8]}",
    )
    client = app.test_client()
    _login(client, member.email, "forkert adgangskode her")
    _login(client, member.email, "forkert adgangskode her")
    assert _login(client, member.email).status_code == 429
