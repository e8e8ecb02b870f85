"""A demo member downloads their data and deletes the account; an anonymous reader then sees
their comment and vote as "Tidligere medlem". The new pages are axe clean in Danish and
English, on a phone (axe needs JavaScript to run; the member's flow runs without it)."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in
from thinktank.demo import DEMO_PASSWORD

MEMBER = "ekspert3@kl-demo.dk"  # Jens Kristensen commented and voted on the chatbot case
NAME = "Jens Kristensen"


def test_member_downloads_data_deletes_account_and_stays_anonymous(app, seeded, new_page):
    page = new_page(phone=True, javascript=False)  # the whole flow works without JavaScript
    log_in(page, MEMBER, DEMO_PASSWORD)
    page.get_by_role("link", name=NAME).click()
    page.get_by_role("link", name="Hent dine data").first.click()
    expect(page.get_by_role("heading", name="Hent dine data")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Hent dine data (ZIP)").click()
    archive = zipfile.ZipFile(download_info.value.path())
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == MEMBER and data["comments"] and data["ballots"]

    page.goto("/profile")
    page.get_by_role("link", name="Slet din konto").click()
    page.get_by_label("Din adgangskode").fill(DEMO_PASSWORD)
    page.get_by_label("Jeg forstår, at det ikke kan fortrydes").check()
    page.get_by_role("button", name="Slet min konto").click()
    expect(page.get_by_text("Din konto er slettet.")).to_be_visible()

    reader = new_page(javascript=False)
    reader.goto("/")
    reader.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Anbefalinger"
    ).first.click()
    reader.get_by_role("link", name=re.compile("chatbot", re.I)).first.click()
    expect(reader.locator("main")).to_contain_text("Tidligere medlem")
    expect(reader.locator("main")).not_to_contain_text(NAME)
    reader.goto("/cases/3")
    thread = reader.locator("main")
    expect(thread).to_contain_text("Tidligere medlem")
    expect(thread).not_to_contain_text(NAME)


def _logged_in(new_page, email: str, language: str):
    page = new_page(phone=True)
    log_in(page, email, DEMO_PASSWORD)
    if language == "en":
        page.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    return page


@pytest.mark.parametrize("language", ["da", "en"])
def test_new_pages_are_accessible_on_a_phone(app, seeded, new_page, language):
    visitor = new_page(language=language, phone=True)
    visitor.goto("/")
    for name in (
        ("Om Tænketanken", "Privatliv", "Tilgængelighedserklæring", "Cookies")
        if language == "da"
        else ("About the think tank", "Privacy", "Accessibility statement", "Cookies")
    ):
        visitor.get_by_role("contentinfo").get_by_role("link", name=name, exact=True).click()
        expect(visitor.locator("h1")).to_be_visible()
        assert_accessible(visitor, f"{name} ({language})")
        assert_fits_phone(visitor)

    member = _logged_in(new_page, "ekspert1@kl-demo.dk", language)
    for path in ("/profile/data", "/profile/delete"):
        member.goto(path)
        assert_accessible(member, f"{path} ({language})")
        assert_fits_phone(member)

    staff = _logged_in(new_page, "sekretariat@kl-demo.dk", language)
    staff.goto("/site-pages/")
    assert_accessible(staff, f"site pages ({language})")
    assert_fits_phone(staff)
    staff.get_by_role("link", name=re.compile("privat", re.I)).first.click()
    assert_accessible(staff, f"site page editor ({language})")
    assert_fits_phone(staff)

    admin = _logged_in(new_page, "admin@kl-demo.dk", language)
    admin.goto("/admin/users/3/delete")
    assert_accessible(admin, f"admin delete ({language})")
    assert_fits_phone(admin)
