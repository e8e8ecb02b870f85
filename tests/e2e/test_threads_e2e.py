"""A long discussion in a real browser: pages of threads, a thread's own page, and a
notification's link that lands on the comment, highlighted."""

from __future__ import annotations

from types import SimpleNamespace

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in
from tests.thread_helpers import add_comments
from thinktank.accounts.roles import Role


def test_member_pages_through_a_long_discussion_and_lands_on_a_mention(
    app, new_page, make_user, make_case, make_comment
):
    member = make_user(Role.MEMBER, display_name="Anna Madsen")
    other = make_user(Role.MEMBER, display_name="Birgitte Nyborg")
    case = make_case(state="open", title="Chatbot i borgerservice")
    threads = add_comments(app, case, [other, member], 45, reply_every=0)
    busy = threads[40]  # on the second page of threads
    add_comments(app, case, [other], 13, parents=[busy])
    mention = make_comment(
        case, other, "Hvad mener du, @AnnaMadsen?", parent=SimpleNamespace(id=busy)
    )

    page = new_page()
    log_in(page, member.email)
    page.get_by_role("link", name="Sager", exact=True).first.click()
    page.get_by_role("link", name="Chatbot i borgerservice").click()
    expect(page.get_by_role("heading", name="Drøftelse (59)")).to_be_visible()
    pages = page.get_by_role("navigation", name="Sider i drøftelsen")
    pages.get_by_role("link", name="2", exact=True).click()
    page.wait_for_url("**page=2#discussion")
    expect(page.locator(f"#c{busy}")).to_be_visible()
    expect(page.get_by_text("Kommentar 44")).to_be_visible()
    assert_accessible(page, "page 2 of a discussion")

    page.get_by_role("link", name="Vis de øvrige 4 svar").click()
    expect(page.get_by_role("heading", name="Kommentaren og dens 14 svar")).to_be_visible()
    expect(page.locator(f"#c{mention.id}")).to_be_visible()
    assert_accessible(page, "a thread's own page")

    page.get_by_role("link", name="Notifikationer").click()
    page.get_by_role("link", name="Birgitte Nyborg nævnte dig i »Chatbot i borgerservice«").click()
    page.wait_for_url(f"**/comments/{busy}/thread#c{mention.id}")
    landed = page.locator(f"#c{mention.id}")
    expect(landed).to_be_in_viewport()
    expect(landed).to_have_css("outline-style", "solid")  # :target: the comment stands out

    phone = new_page(phone=True, javascript=False)
    log_in(phone, member.email)
    phone.goto("/")
    phone.get_by_role("link", name="Sager", exact=True).first.click()
    phone.get_by_role("link", name="Chatbot i borgerservice").click()
    phone.get_by_role("navigation", name="Sider i drøftelsen").get_by_role(
        "link", name="Næste"
    ).click()
    phone.wait_for_url("**page=2#discussion")
    assert_fits_phone(phone)
