"""Search in a real browser: from the header box on the front page to a recommendation, and
to a comment in its thread; the search page is accessible and fits a phone without JavaScript."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in


def _search_from_header(page, words: str) -> None:
    header = page.locator("form.header-search")
    header.get_by_label("Søg på sitet").fill(words)
    header.get_by_role("button", name="Søg").click()
    page.wait_for_url("**/search?q=*")


def test_an_anonymous_reader_finds_a_recommendation_from_the_header(
    new_page, make_recommendation, make_case
):
    make_case(title="Algoritmen der sorterer ansøgninger")
    recommendation = make_recommendation(
        "published",
        title="Brug algoritmens forslag som råd, ikke som afgørelse",
        summary="Algoritmen rådgiver; en sagsbehandler træffer afgørelsen.",
    )
    page = new_page()
    page.goto("/")
    _search_from_header(page, "algoritmer")
    expect(page.locator(".result-count")).to_have_text("2 resultater")
    page.locator("nav.search-types").get_by_role("link", name="Anbefaling (1)").click()
    page.wait_for_url("**type=recommendation*")
    expect(page.locator(".result-count")).to_have_text("1 resultat")
    expect(page.locator(".search-snippet mark").first).to_be_visible()
    page.locator(".search-results").get_by_role(
        "link", name="Brug algoritmens forslag som råd, ikke som afgørelse"
    ).click()
    page.wait_for_url(f"**/recommendations/{recommendation.id}-*")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Brug algoritmens forslag")


def test_a_member_finds_a_comment_by_a_phrase_and_lands_on_it(
    new_page, member, make_case, make_comment
):
    case = make_case(title="Chatbot i borgerservice", visibility="members")
    make_comment(case, member, "Kontakten skal være menneskelig, også om natten.")
    wanted = make_comment(case, member, "Vi må aldrig miste den menneskelige kontakt.")
    page = new_page()
    log_in(page, member.email)
    _search_from_header(page, '"menneskelig kontakt"')
    expect(page.locator(".result-count")).to_have_text("1 resultat")
    page.locator(".search-results a").first.click()
    page.wait_for_url(re.compile(rf"/cases/{case.id}-[^#]*#c{wanted.id}$"))
    expect(page.locator(f"#c{wanted.id}")).to_contain_text("menneskelige kontakt")


def test_the_search_page_is_accessible_and_fits_a_phone_without_javascript(
    new_page, make_case, make_comment, member
):
    case = make_case(title="Algoritmen i jobcentret")
    make_comment(case, member, "Algoritmen <b>skal</b> forklares.")
    page = new_page(phone=True, javascript=False)
    page.goto("/")
    assert_fits_phone(page)
    _search_from_header(page, "algoritmer")
    expect(page.locator(".result-count")).to_have_text("2 resultater")
    assert_accessible(page, "the search page with results")
    assert_fits_phone(page)
    page.locator("summary.filters-summary").click()
    page.get_by_label("Område").select_option("employment")
    page.get_by_role("button", name="Filtrér resultaterne").click()
    page.wait_for_url("**domain=employment*")
    expect(page.locator(".result-count")).to_have_text("2 resultater")
    page.goto("/search?q=og+det")
    assert_accessible(page, "the search page without a word to find")
    assert_fits_phone(page)
    page.goto("/search?q=zebraer")
    assert_accessible(page, "the search page without hits")
