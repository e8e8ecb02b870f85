"""A registered reader of a municipality that uses a recommendation reports how it went, by
links from the front page; the secretariat then sees the report on the review page of the
recommendation due for review and cites it in the next version."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, assert_accessible, assert_fits_phone, log_in
from thinktank.accounts.roles import Role
from thinktank.models import local_today


def test_a_municipality_reports_experience_and_the_secretariat_sees_it(
    new_page, make_user, secretariat, make_recommendation
):
    make_recommendation(
        "published",
        title="Chatbots må aldrig stå alene",
        review_by=local_today() - timedelta(days=1),
    )
    reader = make_user(Role.READER, email="it@aarhus.dk", display_name="Ida Thomsen")

    registered = new_page()
    log_in(registered, reader.email)
    registered.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Anbefalinger"
    ).click()
    registered.get_by_role("link", name="Chatbots må aldrig stå alene").click()
    registered.get_by_label("Kommune", exact=True).select_option("751")
    registered.get_by_role("button", name="Registrér, at vi bruger den").click()
    expect(registered.locator(".adoption-list")).to_contain_text("Aarhus Kommune")

    registered.get_by_role("link", name="Fortæl, hvordan det gik i jeres kommune").click()
    expect(registered.get_by_role("heading", level=1)).to_have_text(
        "Fortæl, hvordan det gik i jeres kommune"
    )
    registered.get_by_label("Hvad gjorde I?").fill("Knappen til en medarbejder kom i første svar.")
    registered.get_by_label("Hvad virkede?").fill("Flere borgere valgte en **medarbejder**.")
    registered.get_by_label("Hvad virkede ikke?").fill("Stikprøverne tog to dage om måneden.")
    registered.get_by_role("group", name="Vil I anbefale den til andre kommuner?").get_by_label(
        "Delvist"
    ).check()
    registered.get_by_label("Offentlig", exact=True).check()
    assert_accessible(registered, "experience report form")
    registered.set_viewport_size(PHONE)
    assert_fits_phone(registered)
    registered.get_by_role("button", name="Send erfaringen").click()
    expect(registered.locator(".flash-success")).to_contain_text("Jeres kommunes erfaring er gemt")
    report = registered.locator(".experience-report")
    expect(report).to_contain_text("Aarhus Kommune")
    expect(report.locator("strong", has_text="medarbejder")).to_be_visible()
    expect(
        registered.get_by_role("link", name="Fortæl, hvordan det gik i jeres kommune")
    ).to_have_count(0)
    assert_accessible(registered, "recommendation with an experience report")

    staff = new_page()
    log_in(staff, secretariat.email)
    staff.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Anbefalinger"
    ).click()
    staff.get_by_role("link", name="Chatbots må aldrig stå alene").click()
    staff.get_by_role("link", name="Arbejdsudkast og høring").click()
    section = staff.locator("#experience")
    expect(section).to_contain_text("Skulle have været revurderet senest")
    expect(section).to_contain_text("Stikprøverne tog to dage om måneden.")
    assert_accessible(staff, "review page with experience reports")
    staff.get_by_role("button", name="Citér i den næste version").click()
    expect(staff.locator(".flash-success")).to_contain_text("citeres i den næste version")
