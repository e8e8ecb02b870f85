"""Self-registration as a reader by a mailed link, with every kind of bad input; the answer
never tells whether an address already has an account."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import _CSRF_INPUT, delivered_mail, mailed_link, page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role, Sector
from thinktank.extensions import db

GOOD = {
    "display_name": "Karen Blixen",
    "email": "Karen@Rungsted.dk",
    "organisation": "Rungstedlund",
    "sector": "civil_society",
    "password": "afrika-farm-ved-ngong",
    "confirm": "afrika-farm-ved-ngong",
}


def _user(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def _register(app, client, data=GOOD):
    """Register, then open the mailed link and press its button, as the address's owner would."""
    assert client.post("/register", data=data).status_code == 200
    return client.post(mailed_link(app, "/register/"), data={})


def test_reader_registers_by_the_mailed_link_and_is_logged_in(app, client):
    sent = client.post("/register", data=GOOD)
    assert sent.status_code == 200
    assert "Vi har sendt en e-mail til Karen@Rungsted.dk" in page_text(sent)
    assert _user(app, "karen@rungsted.dk") is None  # not before the address's owner says so
    with app.app_context():
        (message,) = delivered_mail()
    assert message["To"] == "karen@rungsted.dk"
    assert "http://localhost/register/" in message.get_body(("plain",)).get_content()
    link = mailed_link(app, "/register/")
    assert "Opret min konto" in page_text(client.get(link))
    assert (
        _user(app, "karen@rungsted.dk") is None
    )  # opening the link (a mail scanner) is not enough
    response = client.post(link, data={})
    assert response.status_code == 302
    user = _user(app, "karen@rungsted.dk")
    assert user.role == Role.READER and user.sector == Sector.CIVIL_SOCIETY
    assert user.display_name == "Karen Blixen" and user.organisation == "Rungstedlund"
    assert user.password_hash.startswith("scrypt:") and user.email_verified_at is not None
    assert "Karen Blixen" in page_text(client.get("/"))
    fresh = app.test_client()
    login = fresh.post("/login", data={"email": "karen@rungsted.dk", "password": GOOD["password"]})
    assert login.status_code == 302


def test_the_link_works_once(app, client):
    _register(app, client)
    again = app.test_client().post(mailed_link(app, "/register/"), data={})
    assert again.status_code == 400
    assert "Registreringslinket er ikke gyldigt" in page_text(again)


def test_a_forged_or_expired_link_creates_nothing(app, client, monkeypatch):
    import time

    client.post("/register", data=GOOD)
    link = mailed_link(app, "/register/")
    assert client.post(link[:-3] + "xyz", data={}).status_code == 400
    later = time.time() + 3 * 24 * 3600
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert client.post(link, data={}).status_code == 400
    assert _user(app, "karen@rungsted.dk") is None


def test_crafted_role_is_ignored(app, client):
    _register(app, client, GOOD | {"role": "admin"})
    assert _user(app, "karen@rungsted.dk").role == Role.READER


def test_sector_may_be_left_out(app, client):
    _register(app, client, GOOD | {"sector": "", "organisation": ""})
    assert _user(app, "karen@rungsted.dk").sector is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"display_name": ""}, "Dette felt skal udfyldes."),
        ({"display_name": "x" * 10_000}, "Højst 120 tegn."),
        ({"email": "not-an-email"}, "Skriv en gyldig e-mailadresse"),
        ({"email": ""}, "Dette felt skal udfyldes."),
        ({"organisation": "o" * 10_000}, "Højst 200 tegn."),
        ({"sector": "pirates"}, "Ikke et gyldigt valg."),
        ({"password": "kort", "confirm": "kort"}, "mindst 12 tegn"),
        ({"password": "p" * 10_000, "confirm": "p" * 10_000}, "Højst 200 tegn."),
        ({"confirm": "noget helt andet"}, "De to adgangskoder er ikke ens."),
        ({"password": "Password2024!", "confirm": "Password2024!"}, "for almindelig"),
        ({"password": "adgangskode123", "confirm": "adgangskode123"}, "for almindelig"),
        ({"password": "aaaaaaaaaaaaaaa", "confirm": "aaaaaaaaaaaaaaa"}, "for almindelig"),
        (
            {"password": "karen@rungsted.dk", "confirm": "karen@rungsted.dk"},
            "ikke være din e-mailadresse",
        ),
    ],
)
def test_bad_input_gives_a_field_error_and_keeps_what_was_typed(app, client, changes, message):
    data = GOOD | changes
    response = client.post("/register", data=data)
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    for kept in ("display_name", "organisation"):
        if data[kept] and len(data[kept]) < 1000:
            assert f'value="{data[kept]}"' in html
    assert _user(app, "karen@rungsted.dk") is None


def test_an_existing_address_gets_the_same_answer_and_a_mail_on_how_to_log_in(
    app, make_app, reader
):
    new = app.test_client().post("/register", data=GOOD)
    existing_data = GOOD | {"email": reader.email.upper()}
    existing = app.test_client().post("/register", data=existing_data)

    def without_token_and_address(response, address):
        html = _CSRF_INPUT.sub("CSRF", response.get_data(as_text=True))
        return html.replace(address, "ADDRESS")

    assert existing.status_code == new.status_code == 200
    assert without_token_and_address(existing, reader.email.upper()) == (
        without_token_and_address(new, GOOD["email"])
    )
    assert _user(app, reader.email).display_name != GOOD["display_name"]  # nothing changed
    with app.app_context():
        mail = delivered_mail()[-1]
        assert mail["To"] == reader.email
        body = mail.get_body(("plain",)).get_content()
    assert "already has an account" in body or "allerede en konto" in body
    assert "http://localhost/login" in body and "http://localhost/reset" in body
    assert "/register/" not in body


def test_logged_in_user_is_sent_away_from_registration(client_as, reader):
    assert client_as(reader).get("/register").status_code == 302


def test_registration_is_rate_limited(make_app):
    app = make_app(REGISTER_LIMIT_PER_IP="2 per hour")
    client = app.test_client()
    for _ in range(2):
        client.post("/register", data=GOOD | {"email": ""})
    assert client.post("/register", data=GOOD).status_code == 429
