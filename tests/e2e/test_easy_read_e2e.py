"""The easy-read (letlæst) version in a real browser: written with its LIX, published, read
and printed by anyone, without JavaScript, on a phone, in English too."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in

TITLE = "Chatbots må aldrig stå alene"
EASY = (
    "## Kort sagt\n\n"
    "En chatbot må gerne svare på enkle spørgsmål. Men du skal altid kunne tale med et menneske."
)
# the heading (2 words) and 17 words in 2 sentences; long: chatbot, spørgsmål, menneske:
# 19/3 + 300/19 = 6.33 + 15.79 -> 22
EASY_LIX = "LIX af den letlæste udgave: 22 (Meget let)"


def test_the_secretariat_writes_an_easy_read_version_and_a_reader_prints_it(
    new_page, secretariat, make_recommendation
):
    make_recommendation("review", title=TITLE)

    staff = new_page(javascript=False)  # the LIX is measured on the server
    log_in(staff, secretariat.email)
    staff.get_by_role("link", name="Anbefalinger", exact=True).first.click()
    staff.get_by_role("link", name="Udkast og medlemshøring").click()
    staff.get_by_role("link", name=TITLE).click()
    staff.get_by_role("link", name="Redigér arbejdsudkastet").click()
    expect(staff.locator("#easy-read-lix")).to_contain_text("– (ingen tekst at måle)")
    staff.get_by_label("Letlæst udgave (valgfri)").fill(EASY)
    staff.get_by_role("button", name="Forhåndsvis").click()
    expect(staff.locator("#easy-read-lix")).to_have_text(EASY_LIX)
    expect(staff.locator(".preview")).to_contain_text("Kort sagt")
    assert_accessible(staff, "draft form with its LIX")
    staff.get_by_role("button", name="Gem").click()
    expect(staff.locator(".easy-read")).to_contain_text(EASY_LIX)
    staff.get_by_role("button", name="Udgiv version 1").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(TITLE)

    anonymous = new_page()
    anonymous.goto("/")
    anonymous.get_by_role("link", name="Anbefalinger", exact=True).first.click()
    anonymous.get_by_role("link", name=TITLE).click()
    section = anonymous.locator("section.easy-read")
    expect(section.get_by_role("heading", name="Letlæst udgave")).to_be_visible()
    expect(section).to_contain_text("du skal altid kunne tale med et menneske")
    expect(section.locator(".lix")).to_have_text(EASY_LIX)
    assert_accessible(anonymous, "recommendation page with its easy-read version")
    section.get_by_role("link", name="Udskriv den letlæste udgave").click()
    anonymous.wait_for_url("**/v1/letlaest")
    expect(anonymous.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(anonymous.locator(".site-header")).to_be_hidden()  # no menus on the print page
    expect(anonymous.locator(".lix")).to_have_text(EASY_LIX)
    assert_accessible(anonymous, "easy-read print page")
    anonymous.get_by_role("link", name="Tilbage til anbefalingen").click()
    expect(anonymous.locator("section.easy-read")).to_be_visible()

    english = new_page(language="en")
    english.goto(anonymous.url)
    expect(english.locator("section.easy-read .lix")).to_have_text(
        "LIX of the easy-read version: 22 (Very easy)"
    )
    assert_accessible(english, "recommendation page in English")

    phone = new_page(phone=True)
    phone.goto(anonymous.url)
    expect(phone.locator("section.easy-read")).to_be_visible()
    assert_fits_phone(phone)
