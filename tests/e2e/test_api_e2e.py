"""A journalist finds the open data from any page's footer: the API reference is readable
without JavaScript, on a phone, and passes axe; a version page offers its citations."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_fits_phone


def test_the_api_reference_is_reached_from_the_footer(new_page, make_recommendation):
    make_recommendation(status="published", title="Brug kun rådgivende modeller")
    reader = new_page(phone=True, javascript=False)
    reader.goto("/")
    reader.get_by_role("contentinfo").get_by_role("link", name="API / åbne data").click()
    reader.wait_for_url(re.compile(r"/api/$"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("API og åbne data")
    expect(reader.get_by_role("link", name="GET /recommendations", exact=True)).to_be_visible()
    assert_fits_phone(reader)
    reader.get_by_role("link", name="GET /recommendations/{recommendation_id}", exact=True).click()
    expect(reader.locator("#getRecommendation")).to_be_in_viewport()
    # axe runs as a script, so it checks the same page in a browser with JavaScript on
    checked = new_page()
    checked.goto("/")
    checked.get_by_role("contentinfo").get_by_role("link", name="API / åbne data").click()
    checked.wait_for_url(re.compile(r"/api/$"))
    expect(checked.get_by_role("heading", level=1)).to_have_text("API og åbne data")
    assert_accessible(checked, "API reference")


def test_a_version_page_offers_its_citations(new_page, make_recommendation):
    make_recommendation(status="published", title="Brug kun rådgivende modeller")
    reader = new_page()
    reader.goto("/")
    reader.get_by_role("link", name="Brug kun rådgivende modeller").first.click()
    reader.wait_for_url(re.compile(r"/recommendations/\d+"))
    cite = reader.locator("#cite")
    expect(cite.get_by_role("link", name="BibTeX")).to_be_visible()
    with reader.expect_download() as download:
        cite.get_by_role("link", name="BibTeX").click()
    assert download.value.suggested_filename.endswith("-v1.bib")
    assert_accessible(reader, "recommendation with its citations")
