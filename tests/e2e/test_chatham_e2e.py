"""A Chatham House case in a real browser: an anonymous reader finds it by links and sees the
banner and each contribution by its sector, never a name; a member sees the names."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in
from thinktank.accounts.roles import Role, Sector

TITLE = "Må borgerservice bruge en chatbot om natten?"


def test_an_anonymous_reader_sees_the_banner_and_sectors_instead_of_names(
    new_page, make_user, make_case, make_comment
):
    author = make_user(
        Role.MEMBER, display_name="Astrid Hemmeligsen", organisation="Skjulby Kommune"
    )
    writer = make_user(
        Role.MEMBER,
        display_name="Bertil Fortroligsen",
        organisation="Diskret Data ApS",
        sector=Sector.PRIVATE,
    )
    case = make_case(
        author=author, state="open", visibility="public", chatham_house="y", title=TITLE
    )
    make_comment(case, writer, "Chatbotten skal altid sige, at den er en maskine.")

    for phone in (False, True):
        page = new_page(phone=phone)
        page.goto("/")
        page.get_by_role("link", name="Sager", exact=True).first.click()
        page.get_by_role("link", name=TITLE).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.get_by_role("heading", name="Chatham House-reglen")).to_be_visible()
        expect(page.locator(".comment-author")).to_have_text("Et medlem (privat sektor)")
        expect(page.locator(".case-header")).to_contain_text("Et medlem (kommunal sektor)")
        content = page.content()
        for leak in ("Bertil Fortroligsen", "Diskret Data", "Astrid Hemmeligsen", "Skjulby"):
            assert leak not in content
        assert_accessible(page, "Chatham House case, anonymous")
        if phone:
            assert_fits_phone(page)

    insider = new_page()
    log_in(insider, author.email)
    insider.get_by_role("link", name="Sager", exact=True).first.click()
    insider.get_by_role("link", name=TITLE).click()
    expect(insider.locator(".comment-author")).to_have_text("Bertil Fortroligsen")
    expect(insider.get_by_role("heading", name="Chatham House-reglen")).to_be_visible()
    assert_accessible(insider, "Chatham House case, member")
