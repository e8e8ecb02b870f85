"""Accounts in a real browser: accessibility in both languages, keyboard, phone, no JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, mailed_link
from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in, serve

PAGES = ["/", "/login", "/register", "/reset", "/log"]
ERRORS = {400: "/_test/400", 403: "/_test/403", 404: "/no-such-page", 500: "/_test/500"}


@pytest.mark.parametrize("language", ["da", "en"])
def test_public_pages_are_accessible(new_page, language):
    page = new_page(language)
    for path in PAGES:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page, f"{path} ({language})")


@pytest.mark.parametrize("language", ["da", "en"])
def test_error_pages_are_accessible(new_page, language):
    page = new_page(language)
    for status, path in ERRORS.items():
        response = page.goto(path)
        assert response.status == status
        assert_accessible(page, f"{status} ({language})")


@pytest.mark.parametrize("language", ["da", "en"])
def test_rate_limit_page_is_accessible(make_app, browser, language):
    # its own app, so the low limit does not touch other tests
    with serve(make_app(LOGIN_LIMIT_PER_ACCOUNT="1 per hour")) as base:
        context = browser.new_context(base_url=base)
        context.add_cookies([{"name": "thinktank_lang", "value": language, "url": base}])
        page = context.new_page()
        for _ in range(2):
            page.goto("/login")
            page.locator("#email").fill("someone@example.dk")
            page.locator("#password").fill("forkert forkert")
            page.locator("main button[type=submit]").click()
        assert page.locator("h1").inner_text() in ("For mange forsøg", "Too many attempts")
        assert_accessible(page, f"429 ({language})")
        context.close()


@pytest.mark.parametrize("language", ["da", "en"])
def test_forms_with_errors_are_accessible(new_page, language):
    page = new_page(language)
    page.goto("/register")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    assert_accessible(page, f"register with errors ({language})")
    page.goto("/login")
    page.locator("#email").fill("nobody@example.dk")
    page.locator("#password").fill("forkert forkert")
    page.locator("main button[type=submit]").click()
    assert_accessible(page, f"login with errors ({language})")


@pytest.mark.parametrize("language", ["da", "en"])
def test_profile_and_invitation_pages_are_accessible(app, new_page, secretariat, language):
    page = new_page(language)
    page.goto("/login")
    page.locator("#email").fill(secretariat.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/")  # logged in before the next page is asked for
    page.goto("/profile")
    assert_accessible(page, f"profile ({language})")
    page.goto("/invitations/")
    page.locator("#email").fill(f"ny-{language}@example.dk")
    page.locator("#role").select_option("member")  # no role is preselected
    page.locator("#role").select_option("member")  # the role starts empty and must be chosen
    page.locator("main button[type=submit]").first.click()
    expect(page.locator(".flash-success")).to_be_visible()  # the invitation has been sent
    assert_accessible(page, f"invitations ({language})")
    link = mailed_link(app, "/invite/")
    invitee = new_page(language)
    invitee.goto(link)
    assert_accessible(invitee, f"invitation ({language})")


def test_secretariat_invites_and_the_invitee_joins(app, new_page, secretariat):
    page = new_page()
    log_in(page, secretariat.email)
    page.get_by_role("link", name="Invitationer").click()
    page.get_by_label("E-mailadresse på den, du vil invitere").fill("ny.ekspert@aalborg.dk")
    page.get_by_label("Rolle").select_option("member")
    page.get_by_role("button", name="Send invitation").click()
    expect(
        page.get_by_text("Der er sendt en invitation til ny.ekspert@aalborg.dk.")
    ).to_be_visible()
    link = mailed_link(app, "/invite/")
    invitee = new_page()
    invitee.goto(link)
    invitee.get_by_label("Navn").fill("Ny Ekspert")
    invitee.get_by_label("Organisation").fill("Aalborg Kommune")
    invitee.get_by_label("Sektor").select_option("municipality")
    invitee.get_by_label("Adgangskode", exact=True).fill("vinter i nordjylland er lang")
    invitee.get_by_label("Gentag adgangskoden").fill("vinter i nordjylland er lang")
    invitee.get_by_role("button", name="Opret min konto").click()
    expect(invitee.get_by_role("heading", name="Din profil")).to_be_visible()
    assert "Medlem" in invitee.locator(".facts").inner_text()


def test_keyboard_only_login(page, member):
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Spring til indholdet"
    page.keyboard.press("Enter")
    # tab from the start of main to the e-mail field, typing as a keyboard user would
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(member.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert member.display_name in page.locator("header").inner_text()


def test_focus_is_visible(page):
    page.goto("/login")
    page.locator("#email").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_pages_fit_a_phone(new_page, member):
    page = new_page(phone=True)
    for path in PAGES:
        page.goto(path)
        assert_fits_phone(page)
    log_in(page, member.email)
    page.goto("/profile")
    assert_fits_phone(page)


def test_register_and_log_in_without_javascript(app, new_page):
    page = new_page(javascript=False)
    page.goto("/register")
    page.get_by_label("Navn").fill("Uden Script")
    page.get_by_label("E-mailadresse").fill("uden.script@example.dk")
    page.get_by_label("Adgangskode", exact=True).fill("helt uden javascript her")
    page.get_by_label("Gentag adgangskoden").fill("helt uden javascript her")
    page.get_by_role("button", name="Opret konto").click()
    expect(page.get_by_role("heading", name="Se din e-mail")).to_be_visible()
    page.goto(mailed_link(app, "/register/"))
    page.get_by_role("button", name="Opret min konto").click()
    expect(page.get_by_text("Din konto er oprettet. Velkommen!")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()
    log_in(page, "uden.script@example.dk", "helt uden javascript her")
    assert "Uden Script" in page.locator("header").inner_text()


def test_language_switch_in_the_browser(page):
    page.goto("/")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # only the language was remembered: reading pages needs no session
    assert {cookie["name"] for cookie in page.context.cookies()} == {"thinktank_lang"}
    page.locator("header").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_role("link", name="Dansk").click()
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
