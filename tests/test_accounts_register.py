"""Self-registration as a reader, with every kind of bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import page_text
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


def test_reader_registers_and_is_logged_in(app, client):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 302
    user = _user(app, "karen@rungsted.dk")
    assert user.role == Role.READER and user.sector == Sector.CIVIL_SOCIETY
    assert user.password_hash.startswith("scrypt:")
    assert "Karen Blixen" in page_text(client.get("/"))


def test_crafted_role_is_ignored(app, client):
    client.post("/register", data=GOOD | {"role": "admin"})
    assert _user(app, "karen@rungsted.dk").role == Role.READER


def test_sector_may_be_left_out(app, client):
    client.post("/register", data=GOOD | {"sector": "", "organisation": ""})
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


def test_existing_email_is_refused_with_a_clear_message(client, reader):
    response = client.post("/register", data=GOOD | {"email": reader.email.upper()})
    assert "Der findes allerede en konto med denne e-mailadresse." in page_text(response)


def test_logged_in_user_is_sent_away_from_registration(client_as, reader):
    assert client_as(reader).get("/register").status_code == 302


def test_registration_is_rate_limited(make_app):
    app = make_app(REGISTER_LIMIT_PER_IP="2 per hour")
    client = app.test_client()
    for _ in range(2):
        client.post("/register", data=GOOD | {"email": ""})
    assert client.post("/register", data=GOOD).status_code == 429
