"""Every kind of page, for every role, in Chromium: no axe violations; and the pages that
crowd a phone (the case filters, the administrator's menu, the users table) at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.crawl import DEMO_ACCOUNTS, crawl, pattern
from tests.e2e.conftest import assert_accessible, log_in
from thinktank.demo import DEMO_PASSWORD

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def demo(app, seeded):
    return app


def _fits(page, width: int = PHONE_390["width"]) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide at {width}px"


@pytest.mark.parametrize("role", list(DEMO_ACCOUNTS))
def test_every_kind_of_page_is_accessible_for_every_role(demo, new_page, live_server, role):
    page = new_page()
    if DEMO_ACCOUNTS[role]:
        log_in(page, DEMO_ACCOUNTS[role], DEMO_PASSWORD)
    checked = []

    def visit(url):
        response = page.goto(url, timeout=30_000)  # a long crawl on a busy CI machine
        assert_accessible(page, f"{pattern(url)} ({url}) as {role}")
        checked.append(url)
        return response.status, page.content(), None

    pages = crawl(visit, per_pattern=1, limit=80)
    failed = [f"{p.status} {p.url}" for p in pages if p.status != 200]
    assert not failed, failed
    assert len(checked) > 10, checked


def test_case_filters_fold_away_on_a_phone(demo, new_page):
    page = new_page()
    page.set_viewport_size(PHONE_390)
    page.goto("/")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Sager").click()
    area = page.get_by_label("Område")
    expect(area).to_be_hidden()  # the first screen shows cases, not five filters
    expect(page.locator(".case-card").first).to_be_in_viewport()
    page.get_by_text("Filtrér", exact=True).click()
    expect(area).to_be_visible()
    area.select_option("employment")
    page.get_by_role("button", name="Vis sager").click()
    page.wait_for_url("**domain=employment**")
    expect(page.get_by_label("Område")).to_be_visible()  # open while a filter is on
    _fits(page)


def test_case_filters_show_on_a_wide_screen(demo, new_page):
    page = new_page()
    page.goto("/cases/")
    expect(page.get_by_label("Område")).to_be_visible()


def test_administrators_menu_folds_behind_menu_on_a_phone(demo, new_page):
    for javascript in (True, False):
        page = new_page(javascript=javascript)
        page.set_viewport_size(PHONE_390)
        log_in(page, DEMO_ACCOUNTS["admin"], DEMO_PASSWORD)
        header = page.locator(".site-header").bounding_box()
        assert header["height"] < 200, f"the header is {header['height']}px high"
        users = page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Brugere")
        expect(users).to_be_hidden()
        page.get_by_text("Menu", exact=True).click()
        expect(users).to_be_visible()
        _fits(page)
        users.click()
        page.wait_for_url("**/admin/users/")
        expect(page.get_by_role("heading", name="Brugere", level=1)).to_be_visible()


def test_administrators_menu_is_all_there_on_a_wide_screen(demo, new_page):
    page = new_page()
    log_in(page, DEMO_ACCOUNTS["admin"], DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name="Hovedmenu")
    expect(nav.get_by_role("link", name="Brugere")).to_be_visible()
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()


def test_users_table_shows_role_and_status_on_a_phone(demo, new_page):
    page = new_page()
    page.set_viewport_size(PHONE_390)
    log_in(page, DEMO_ACCOUNTS["admin"], DEMO_PASSWORD)
    page.goto("/admin/users/")
    row = page.locator("tbody tr").filter(has_text="Karin Madsen")
    for value in ("Læser", "Aktiv"):
        cell = row.get_by_text(value, exact=True)
        cell.scroll_into_view_if_needed()
        expect(cell).to_be_in_viewport()
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= PHONE_390["width"], value
    # each value says which column it is
    expect(row.get_by_role("cell", name="Rolle Læser")).to_be_visible()
    _fits(page)
    row.get_by_role("link", name="Karin Madsen").click()
    page.wait_for_url("**/admin/users/*")


def test_a_page_without_javascript_is_checked_by_axe_and_its_violations_reported(app, new_page):
    # axe is a script and cannot run where scripts are off (its call would never return):
    # the check loads the same page in a context where it runs, and still reports what is wrong
    app.add_url_rule(
        "/test-broken",
        "test_broken",
        lambda: (
            '<!doctype html><html lang="da"><title>x</title><main><img src="a.png"></main></html>'
        ),
    )
    page = new_page(javascript=False)
    page.goto("/")
    assert_accessible(page)
    page.goto("/test-broken")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
