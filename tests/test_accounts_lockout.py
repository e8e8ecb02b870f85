"""Failed logins are limited per account and address: a stranger guessing at a member's
password blocks only themselves, the account's higher ceiling still holds, and a password
reset lifts the block."""

from __future__ import annotations

from tests.conftest import PASSWORD, mailed_link, page_text

ATTACKER = "203.0.113.66"
MEMBER_AT_WORK = "198.51.100.7"
WRONG = "forkert adgangskode her"
NEW_PASSWORD = "en helt ny og lang adgangssætning"


def _login(client, email, password=PASSWORD, address=MEMBER_AT_WORK):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_attacker_failing_five_times_does_not_block_the_member_elsewhere(make_app, member):
    app = make_app()  # the default limits: 5 per account and address, 50 per account
    attacker, own = app.test_client(), app.test_client()
    for _ in range(5):
        assert _login(attacker, member.email, WRONG, address=ATTACKER).status_code == 200
    blocked = _login(attacker, member.email, PASSWORD, address=ATTACKER)
    assert blocked.status_code == 429
    assert "For mange forsøg" in page_text(blocked)

    response = _login(own, member.email)
    assert response.status_code == 302
    assert own.get("/profile").status_code == 200


def test_one_address_is_blocked_for_the_account_after_five_failures(make_app, member):
    client = make_app().test_client()
    for _ in range(5):
        assert _login(client, member.email, WRONG).status_code == 200
    assert _login(client, member.email).status_code == 429


def test_account_ceiling_holds_against_many_addresses(make_app, member):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="6 per 15 minutes")
    client = app.test_client()
    for n in range(6):  # three addresses, two failures each: no pair reaches its limit
        _login(client, member.email, WRONG, address=f"192.0.2.{n // 2 + 1}")
    blocked = _login(client, member.email, address=MEMBER_AT_WORK)
    assert blocked.status_code == 429
    assert blocked.headers.get("Retry-After")


def test_password_reset_lifts_the_block(make_app, member):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="6 per 15 minutes")
    client = app.test_client()
    for n in range(6):
        _login(client, member.email, WRONG, address=f"192.0.2.{n // 2 + 1}")
    for _ in range(5):
        _login(client, member.email, WRONG, address=MEMBER_AT_WORK)
    assert _login(client, member.email, address=MEMBER_AT_WORK).status_code == 429

    client.post("/reset", data={"email": member.email})
    reset = client.post(
        mailed_link(app, "/reset/"), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert reset.status_code == 302
    client.post("/logout", data={})
    assert _login(client, member.email, NEW_PASSWORD, address=MEMBER_AT_WORK).status_code == 302


def test_the_block_is_not_lifted_by_the_attacker_asking_for_a_reset(make_app, member):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="6 per 15 minutes")
    client = app.test_client()
    for n in range(6):
        _login(client, member.email, WRONG, address=f"192.0.2.{n // 2 + 1}")
    client.post("/reset", data={"email": member.email})  # the link goes to the member only
    assert _login(client, member.email, address=MEMBER_AT_WORK).status_code == 429
