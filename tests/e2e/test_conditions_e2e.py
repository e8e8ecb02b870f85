"""Conditional votes and the result by sector in a real browser: a member follows links
from the front page to a case in voting and votes "ja, på betingelser" (first without the
conditions: the error keeps what was typed); after closing everyone sees the sector table
and the conditions; the secretariat groups and cites the conditions while drafting."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import cast
from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in
from thinktank.accounts.roles import Role, Sector

TITLE = "Skal kommunen bruge en chatbot i borgerservice?"


def test_a_member_votes_yes_on_conditions_and_the_secretariat_groups_them(
    app, new_page, secretariat, make_user, make_vote_case, make_recommendation, client_as
):
    vote = make_vote_case(
        positions=("Chatbot med klare grænser", "Ingen chatbot"), visibility="public", title=TITLE
    )
    researcher = make_user(
        Role.MEMBER, display_name="Mikkel Berg", organisation="DTU", sector=Sector.RESEARCH
    )
    assert cast(client_as(researcher), vote.id, vote.positions[1]).status_code == 302
    voter = make_user(Role.MEMBER, display_name="Anders Holm", organisation="Aarhus Kommune")

    page = new_page()
    log_in(page, voter.email)  # ends on the front page
    page.get_by_role("link", name="Sager", exact=True).first.click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("Chatbot med klare grænser", exact=True).check()
    page.get_by_label("Jeg stemmer ja på betingelser").check()
    page.get_by_label("Begrundelse (valgfri)").fill("Aarhus har gode erfaringer.")
    page.locator(".ballot-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert "Skriv de betingelser, du stemmer ja på." in page.locator(".error-summary").inner_text()
    expect(page.get_by_label("Begrundelse (valgfri)")).to_have_value("Aarhus har gode erfaringer.")
    assert_accessible(page, "the vote form with a missing condition")
    page.get_by_label("Dine betingelser").fill("Kvaliteten af svarene **måles hver måned**.")
    page.locator(".ballot-form button[type=submit]").click()
    expect(page.locator(".own-ballot")).to_be_visible()
    assert "Din stemme er afgivet." in page.locator(".flashes").inner_text()

    staff = new_page()
    log_in(staff, secretariat.email)
    staff.get_by_role("link", name="Sager", exact=True).first.click()
    staff.get_by_role("link", name=TITLE).click()
    staff.get_by_role("button", name="Luk afstemningen").click()
    expect(staff.locator(".badge-closed").first).to_be_visible()

    reader = new_page()
    reader.goto("/")
    reader.get_by_role("link", name="Sager", exact=True).first.click()
    reader.get_by_role("link", name=TITLE).click()
    chart = reader.locator("figure.tally").inner_text()
    assert "0 uden betingelser, 1 på betingelser" in chart
    table = reader.locator("#result-sectors table")
    expect(table.locator("caption")).to_contain_text("fordelt på vælgerens sektor")
    assert "Forskning" in table.inner_text() and "Kommune" in table.inner_text()
    expect(reader.locator(".sector-note")).to_be_visible()  # each sector has one voter
    conditions = reader.locator("#result-conditions").inner_text()
    assert "Kvaliteten af svarene måles hver måned." in conditions and "Anders Holm" in conditions
    assert_accessible(reader, "the result with sectors and conditions")
    phone = new_page(phone=True)
    phone.goto("/")
    phone.get_by_role("link", name="Sager", exact=True).first.click()
    phone.get_by_role("link", name=TITLE).click()
    assert_fits_phone(phone)

    recommendation = make_recommendation(status="review", case=vote, title="Chatbots med grænser")
    staff.goto("/")
    staff.get_by_role("link", name="Anbefalinger", exact=True).first.click()
    staff.get_by_role("link", name="Udkast og medlemshøring").click()
    staff.get_by_role("link", name=recommendation.title).click()
    staff.get_by_role("link", name="Gruppér og citér afstemningens betingelser").click()
    staff.get_by_role("button", name="Gruppér de valgte betingelser").click()
    expect(staff.locator(".error-summary")).to_be_visible()
    assert_accessible(staff, "the condition grouping page with an error")
    staff.get_by_label("Anders Holm: Kvaliteten af svarene").check()
    staff.get_by_label("Gruppens navn").fill("Kvaliteten måles")
    staff.get_by_role("button", name="Gruppér de valgte betingelser").click()
    assert "Betingelserne er samlet i en gruppe." in staff.locator(".flashes").inner_text()
    staff.get_by_role("button", name="Citér i anbefalingen").click()
    expect(staff.get_by_role("button", name="Stop med at citere")).to_be_visible()
    staff.get_by_role("link", name=recommendation.title).click()
    assert "Betingelser fra afstemningen: Kvaliteten måles" in staff.locator("main").inner_text()
