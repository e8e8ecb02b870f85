"""No dead ends: from the front page, following links only, the secretariat gets from a closed
case to a new draft recommendation, and an anonymous visitor is invited to log in under a
discussion and comes back to it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in


def test_secretariat_goes_from_a_closed_case_to_a_new_draft(new_page, secretariat, make_case):
    make_case(state="closed", visibility="public", title="Chatbot i borgerservice")
    staff = new_page()
    log_in(staff, secretariat.email)
    tasks = staff.locator(".my-tasks")
    expect(tasks).to_contain_text("1 lukket sag venter på et udkast til anbefaling")
    assert_accessible(staff, "front page with my tasks")
    staff.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Sager").click()
    staff.get_by_role("link", name="Chatbot i borgerservice").click()
    actions = staff.locator(".case-actions")
    expect(actions.get_by_role("link", name="Skriv udkast til anbefaling")).to_be_visible()
    assert_accessible(staff, "closed case with its actions")
    actions.get_by_role("link", name="Skriv udkast til anbefaling").click()
    staff.wait_for_url(re.compile(r"/cases/\d+/recommendation$"))
    staff.get_by_label("Titel").fill("Chatbots må aldrig stå alene")
    staff.get_by_label("Resumé").fill("Borgeren skal altid kunne nå et menneske.")
    staff.get_by_label("Anbefalingen").fill("Vis altid vejen til et menneske.")
    staff.get_by_role("button", name="Gem").click()
    staff.wait_for_url(re.compile(r"/recommendations/\d+/draft$"))
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Chatbots må aldrig stå alene")
    # the front page's task leads to the drafts page, which now has nothing left to start
    staff.goto("/")
    expect(staff.locator(".my-tasks")).to_contain_text("Der venter ikke noget på dig lige nu.")
    staff.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Anbefalinger"
    ).click()
    staff.get_by_role("link", name="Udkast og medlemshøring").click()
    expect(staff.get_by_role("link", name="Chatbots må aldrig stå alene")).to_be_visible()
    assert_accessible(staff, "drafts page")


def test_anonymous_visitor_is_invited_to_log_in_under_a_discussion(new_page, member, make_case):
    case = make_case(state="open", visibility="public", title="Ledighedsprognose i jobcentret")
    visitor = new_page(phone=True, javascript=False)
    visitor.goto("/")
    visitor.get_by_role("link", name="Ledighedsprognose i jobcentret").click()
    discussion = visitor.locator("#discussion")
    expect(discussion).to_contain_text("Kun tænketankens medlemmer kan deltage i drøftelsen.")
    expect(discussion).not_to_contain_text("Du har ikke tilladelse")
    assert_fits_phone(visitor)
    discussion.get_by_role("link", name="Log ind").click()
    visitor.get_by_label("E-mailadresse").fill(member.email)
    visitor.get_by_label("Adgangskode").fill(PASSWORD)
    visitor.get_by_role("button", name="Log ind").click()
    visitor.wait_for_url(re.compile(rf"/cases/{case.id}"))
    expect(visitor.get_by_role("button", name="Send kommentar")).to_be_visible()
