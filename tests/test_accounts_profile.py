"""The profile page: name and affiliation, and a password change that needs the old one."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import PASSWORD, page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Sector
from thinktank.extensions import db


def _reload(app, user):
    with app.app_context():
        return db.session.scalar(select(User).where(User.id == user.id))


def test_profile_shows_and_edits_name_and_affiliation(app, client_as, member):
    client = client_as(member)
    page = client.get("/profile")
    assert f'value="{member.display_name}"' in page.get_data(as_text=True)
    response = client.post(
        "/profile",
        data={"display_name": "Nyt Navn", "organisation": "Region Syddanmark", "sector": "region"},
    )
    assert response.status_code == 302
    user = _reload(app, member)
    assert (user.display_name, user.organisation, user.sector) == (
        "Nyt Navn",
        "Region Syddanmark",
        Sector.REGION,
    )


def test_profile_errors_keep_typed_values(app, client_as, member):
    response = client_as(member).post(
        "/profile", data={"display_name": "", "organisation": "Typed Org", "sector": "mars"}
    )
    text = page_text(response)
    assert "Dette felt skal udfyldes." in text and "Ikke et gyldigt valg." in text
    assert 'value="Typed Org"' in response.get_data(as_text=True)
    assert _reload(app, member).organisation == member.organisation


def test_password_change_needs_the_old_password(app, client_as, member):
    client = client_as(member)
    response = client.post(
        "/profile/password",
        data={
            "old_password": "wrong one entirely",
            "new_password": "ny og lang adgangssætning",
            "confirm": "ny og lang adgangssætning",
        },
    )
    assert "Den nuværende adgangskode er ikke korrekt." in page_text(response)
    assert _reload(app, member).password_hash == member.password_hash


def test_password_change_keeps_this_session_and_ends_others(app, client_as, member):
    client, other = client_as(member), client_as(member)
    response = client.post(
        "/profile/password",
        data={
            "old_password": PASSWORD,
            "new_password": "ny og lang adgangssætning",
            "confirm": "ny og lang adgangssætning",
        },
    )
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert other.get("/profile").status_code == 302


def test_profile_needs_login(client):
    response = client.get("/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
