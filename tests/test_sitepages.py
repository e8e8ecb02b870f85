"""The required pages: linked from every page's footer, shipped texts in Danish and English,
the data controller from the configuration, the cookie list true to what the app sets, and
the secretariat's editor with kept versions, the one sanitiser and its permissions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, page_text
from thinktank.audit.models import AuditEvent
from thinktank.extensions import db
from thinktank.sitepages.models import SitePageVersion

PAGES = {
    "/about": "Om Tænketanken",
    "/privacy": "Privatlivspolitik",
    "/accessibility": "Tilgængelighedserklæring",
    "/cookies": "Cookies",
}


def test_footer_of_every_page_links_the_four_pages(client):
    html = client.get("/").get_data(as_text=True)
    for path in PAGES:
        assert f'href="{path}"' in html
    assert 'href="/about"' in client.get("/cases/").get_data(as_text=True)


@pytest.mark.parametrize("path,title", PAGES.items())
def test_each_page_shows_its_shipped_danish_text(client, path, title):
    response = client.get(path)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.get_data(as_text=True)


def test_pages_are_in_english_when_english_is_chosen(client):
    client.get("/language/en")
    assert "About the think tank" in page_text(client.get("/about"))
    assert "Accessibility statement" in page_text(client.get("/accessibility"))


def test_accessibility_statement_follows_the_agencys_structure(client):
    text = page_text(client.get("/accessibility"))
    for heading in (
        "Overholdelsesstatus",
        "Ikke-tilgængeligt indhold",
        "Sådan er erklæringen udarbejdet",
        "Feedback og kontaktoplysninger",
        "Håndhævelsesprocedure",
    ):
        assert heading in text


def test_privacy_page_shows_the_configured_data_controller(make_app):
    app = make_app(
        DATA_CONTROLLER_NAME="Testrup Kommune",
        DATA_CONTROLLER_ADDRESS="Rådhuspladsen 1, 9999 Testrup",
        DATA_CONTROLLER_EMAIL="post@testrup.dk",
        DPO_CONTACT="dpo@testrup.dk",
    )
    text = page_text(app.test_client().get("/privacy"))
    for value in ("Testrup Kommune", "Rådhuspladsen 1, 9999 Testrup", "dpo@testrup.dk"):
        assert value in text
    assert "Datatilsynet" in text


def test_privacy_page_links_export_and_deletion_for_a_logged_in_person(client_as, member):
    html = client_as(member).get("/privacy").get_data(as_text=True)
    assert 'href="/profile/data"' in html and 'href="/profile/delete"' in html


def _cookie_names(client) -> set[str]:
    return {cookie.key for cookie in client._cookies.values()}


def test_cookie_page_lists_exactly_the_cookies_the_app_sets(app, client, member):
    client.get("/")
    client.get("/language/en")
    client.post("/login", data={"email": member.email, "password": PASSWORD, "remember": "y"})
    set_by_app = _cookie_names(client)
    html = client.get("/cookies").get_data(as_text=True)
    import re

    listed = set(re.findall(r"<td data-label=\"Name\"><code>([^<]+)</code>", html))
    assert set_by_app == listed == {"session", "remember_token", "thinktank_lang"}
    assert "no other cookies" in page_text(client.get("/cookies"))


def test_secretariat_edits_a_page_and_every_version_is_kept(app, client_as, secretariat):
    client = client_as(secretariat)
    assert 'href="/site-pages/"' in client.get("/").get_data(as_text=True)
    listing = client.get("/site-pages/").get_data(as_text=True)
    assert 'href="/site-pages/about/da"' in listing and 'href="/site-pages/about/en"' in listing
    for n in (1, 2):
        response = client.post(
            "/site-pages/about/da",
            data={"title": f"Om os {n}", "body": f"Tekst nummer {n}.", "note": f"ændring {n}"},
        )
        assert response.status_code == 302
    assert "Tekst nummer 2." in page_text(client_as(None).get("/about"))
    editor = client.get("/site-pages/about/da").get_data(as_text=True)
    assert 'href="/site-pages/about/da/v1"' in editor and 'href="/site-pages/about/da/v2"' in editor
    assert "Tekst nummer 1." in page_text(client.get("/site-pages/about/da/v1"))
    with app.app_context():
        assert (
            db.session.scalar(select(db.func.count()).where(AuditEvent.action == "site_page_saved"))
            == 2
        )


def test_english_falls_back_to_danish_until_it_is_written(client_as, secretariat):
    client = client_as(secretariat)
    client.post("/site-pages/cookies/da", data={"title": "Småkager", "body": "Dansk tekst."})
    anonymous = client_as(None)
    anonymous.get("/language/en")
    assert "Cookies" in page_text(anonymous.get("/cookies"))  # the shipped English text
    client.post("/site-pages/cookies/en", data={"title": "Biscuits", "body": "English text."})
    assert "English text." in page_text(anonymous.get("/cookies"))


def test_page_text_goes_through_the_sanitiser(app, client_as, secretariat):
    client_as(secretariat).post(
        "/site-pages/about/da",
        data={"title": "Om", "body": "Hej <script>alert(1)</script> [x](javascript:alert(1))"},
    )
    html = client_as(None).get("/about").get_data(as_text=True)
    assert "<script>alert" not in html and "javascript:alert" not in html
    with app.app_context():
        stored = db.session.scalar(select(SitePageVersion).order_by(SitePageVersion.id.desc()))
        assert "<script>" not in stored.body_html and stored.markup_version > 0


def test_empty_text_gets_a_form_message(client_as, secretariat):
    response = client_as(secretariat).post("/site-pages/about/da", data={"title": "", "body": ""})
    assert response.status_code == 200
    assert "Dette felt skal udfyldes." in page_text(response) or "skal" in page_text(response)


@pytest.mark.parametrize("role", ["anonymous", "reader", "member"])
def test_only_the_secretariat_and_admins_edit_pages(role_clients, role):
    client = role_clients[role]
    expected = 302 if role == "anonymous" else 403
    assert client.get("/site-pages/").status_code == expected
    assert client.post("/site-pages/about/da", data={"title": "x", "body": "y"}).status_code in (
        expected,
        400,
    )
    assert 'href="/site-pages/"' not in client.get("/").get_data(as_text=True)


def test_admin_may_edit_pages(role_clients):
    assert role_clients["admin"].get("/site-pages/").status_code == 200


def test_unknown_page_or_version_is_404(client_as, secretariat):
    client = client_as(secretariat)
    assert client.get("/site-pages/nope/da").status_code == 404
    assert client.get("/site-pages/about/da/v9").status_code == 404


def test_seed_demo_installs_the_shipped_texts_as_version_one(app, seeded):
    with app.app_context():
        rows = db.session.scalars(select(SitePageVersion)).all()
    assert {(r.slug, r.locale, r.number) for r in rows} >= {
        ("about", "da", 1),
        ("privacy", "en", 1),
    }


def test_rerender_markdown_recooks_pages_from_an_older_sanitiser(app, client_as, secretariat):
    client_as(secretariat).post("/site-pages/about/da", data={"title": "Om", "body": "## Mål"})
    with app.app_context():
        page = db.session.scalar(select(SitePageVersion))
        page.body_html, page.markup_version = "<p>gammel</p>", 0
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["rerender-markdown"])
    assert result.exit_code == 0 and "site pages" in result.output
    with app.app_context():
        page = db.session.scalar(select(SitePageVersion))
        assert page.body_html.startswith("<h2") and page.markup_version > 0
