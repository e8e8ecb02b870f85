"""A reader records that their municipality uses a recommendation; it stays unpublished until
the secretariat confirms it from its queue, reached by links."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, assert_accessible, assert_fits_phone, log_in
from thinktank.accounts.roles import Role


def test_reader_records_an_adoption_and_the_secretariat_confirms_it(
    new_page, make_user, secretariat, make_recommendation
):
    make_recommendation("published", title="Chatbots må aldrig stå alene")
    reader = make_user(Role.READER, email="karin@viborg.dk", display_name="Karin Madsen")

    registered = new_page()
    log_in(registered, reader.email)
    registered.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Anbefalinger"
    ).click()
    registered.get_by_role("link", name="Chatbots må aldrig stå alene").click()
    recommendation_url = registered.url
    registered.get_by_label("Kommune", exact=True).select_option("550")
    registered.get_by_label("Hvordan bruger I den? (valgfrit)").fill("I borgerservice om natten")
    registered.get_by_role("button", name="Registrér, at vi bruger den").click()
    expect(registered.locator(".flash-success")).to_contain_text("Sekretariatet bekræfter det")
    pending = registered.locator(".adoption-list-unverified")
    expect(pending).to_contain_text("Tønder Kommune afventer bekræftelse")
    assert_accessible(registered, "recommendation with a pending adoption")

    anonymous = new_page()
    anonymous.goto(recommendation_url)
    expect(anonymous.locator("#adoptions")).to_contain_text("Ingen kommune har endnu registreret")
    expect(anonymous.locator("#adoptions")).not_to_contain_text("Tønder Kommune")

    staff = new_page()
    log_in(staff, secretariat.email)
    staff.get_by_role("link", name="Moderation").click()
    staff.get_by_role("link", name="Anvendelser, der afventer bekræftelse").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        "Anvendelser, der afventer bekræftelse"
    )
    expect(staff.locator(".queue-item")).to_contain_text("karin@viborg.dk")
    assert_accessible(staff, "adoption queue")
    staff.set_viewport_size(PHONE)
    assert_fits_phone(staff)
    staff.get_by_role("button", name="Bekræft Tønder Kommune").click()
    expect(staff.locator(".flash-success")).to_contain_text(
        "Tønder Kommune vises nu som bruger af anbefalingen"
    )
    expect(staff.get_by_text("Ingen anvendelser afventer bekræftelse.")).to_be_visible()

    anonymous.reload()
    expect(anonymous.locator(".adoption-list")).to_contain_text(
        "Tønder Kommune: I borgerservice om natten"
    )
