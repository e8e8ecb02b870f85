"""Discussion in a real browser: two members argue, one flags, the secretariat moderates."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in
from thinktank.accounts.roles import Role


def test_two_members_discuss_one_flags_and_the_secretariat_removes(
    new_page, make_user, member, secretariat, make_case
):
    other = make_user(Role.MEMBER, display_name="Birgitte Nyborg")
    case = make_case(state="open", visibility="public", title="Chatbot i borgerservice")

    anna = new_page()
    log_in(anna, member.email)
    anna.goto(f"/cases/{case.id}")
    anna.get_by_label("Din kommentar").fill(
        "Chatbotten må aldrig stå alene. @BirgitteNyborg, enig?"
    )
    anna.get_by_role("button", name="Send kommentar").click()
    anna.wait_for_url("**#c*")  # the form posts, then lands on the new comment
    first = anna.locator("article.comment").first
    assert "Chatbotten må aldrig stå alene." in first.inner_text()

    birgitte = new_page()
    log_in(birgitte, other.email)
    assert "1" in birgitte.locator(".badge-count").inner_text()
    birgitte.get_by_role("link", name="Notifikationer").click()
    birgitte.get_by_role(
        "link", name=f"{member.display_name} nævnte dig i »Chatbot i borgerservice«"
    ).click()
    birgitte.locator("article.comment").first.get_by_role("link", name="Svar").click()
    birgitte.get_by_label("Din kommentar").fill(
        "Enig, men den kan tage de enkle spørgsmål om natten."
    )
    birgitte.get_by_role("button", name="Send svar").click()
    birgitte.wait_for_url("**#c*")

    anna.reload()
    anna.locator("article.comment").nth(1).get_by_role("link", name="Svar").click()
    anna.get_by_label("Din kommentar").fill(
        "Så længe borgeren altid kan komme videre til et menneske."
    )
    anna.get_by_role("button", name="Send svar").click()
    anna.wait_for_url("**#c*")
    expect(anna.locator("ol.replies ol.replies article.comment")).to_have_count(1)

    birgitte.reload()
    birgitte.locator("article.comment").nth(2).get_by_role("link", name="Anmeld kommentar").click()
    birgitte.get_by_label("Uden for emnet").check()
    birgitte.get_by_role("button", name="Send til sekretariatet").click()
    expect(birgitte.get_by_text("Du har anmeldt denne kommentar")).to_be_visible()

    staff = new_page()
    log_in(staff, secretariat.email)
    staff.get_by_role("link", name="Moderation").click()
    assert "Så længe borgeren altid kan komme videre" in staff.locator(".queue").inner_text()
    staff.get_by_label("Begrundelse for at fjerne kommentaren").fill("Gentager tidligere indlæg.")
    staff.get_by_role("button", name="Fjern kommentaren").click()
    expect(staff.get_by_text("Ingen kommentarer venter på moderation.")).to_be_visible()

    anna.reload()
    assert "Kommentaren er fjernet af sekretariatet" in anna.locator(".thread").inner_text()
    assert "Så længe borgeren altid kan komme videre" not in anna.content()


def test_keyboard_user_reaches_and_submits_the_reply_form(
    new_page, member, make_case, make_comment
):
    case = make_case(state="open")
    comment = make_comment(case, member, "Et spørgsmål til drøftelse")
    page = new_page()
    log_in(page, member.email)
    page.goto(f"/cases/{case.id}")
    reply_link = page.locator(f"#c{comment.id}").get_by_role("link", name="Svar")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Svar":
            break
    assert reply_link.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reply")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "body":
            break
    assert page.evaluate("document.activeElement.id") == "body"
    page.keyboard.type("Svar skrevet kun med tastaturet.")
    for _ in range(10):  # past the formatting help to the button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Send svar":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**#c*")
    assert "Svar skrevet kun med tastaturet." in page.locator(".thread").inner_text()


def test_deep_thread_queue_and_notifications_are_accessible(
    new_page, make_user, member, secretariat, make_case, make_comment
):
    other = make_user(Role.MEMBER, display_name="Ole Olsen")
    case = make_case(state="open", visibility="public")
    parent = None
    for depth in range(7):
        author = member if depth % 2 else other
        parent = make_comment(case, author, f"Niveau {depth} @OleOlsen", parent=parent)
    removed = make_comment(case, member, "Skal fjernes")
    flagged = make_comment(case, member, "Bliver markeret")
    for language in ("da", "en"):
        page = new_page(language)
        if language == "da":  # logged in: the form and the actions are on the page too
            log_in(page, other.email)
        page.goto(f"/cases/{case.id}")
        assert_accessible(page, f"case page with a deep thread ({language})")
    staff = new_page()
    log_in(staff, secretariat.email)
    staff.goto(f"/comments/{removed.id}/remove")
    staff.get_by_label("Begrundelse for at fjerne kommentaren").fill("Test")
    staff.get_by_role("button", name="Fjern kommentaren").click()
    staff.goto(f"/comments/{flagged.id}/flag")
    assert_accessible(staff, "flag form")
    staff.get_by_role("button", name="Send til sekretariatet").click()
    assert_accessible(staff, "flag form with errors")
    staff.get_by_label("Krænkende").check()
    staff.get_by_role("button", name="Send til sekretariatet").click()
    staff.goto("/moderation/")
    assert_accessible(staff, "moderation queue")
    staff.goto(f"/comments/{flagged.id}/reply?quote=1")
    assert_accessible(staff, "reply form")
    reader = new_page()
    log_in(reader, other.email)
    reader.goto("/notifications")
    expect(reader.locator(".notification").first).to_be_visible()
    assert_accessible(reader, "notifications")
    phone = new_page(phone=True)
    phone.goto(f"/cases/{case.id}")
    assert_fits_phone(phone)


def test_member_previews_a_comment_with_a_list_a_link_and_an_unknown_mention_then_posts(
    new_page, make_user, member, make_case
):
    make_user(Role.MEMBER, display_name="Sofie Lund")
    make_case(state="open", visibility="public", title="Robotter i hjemmeplejen")
    page = new_page(phone=True)
    log_in(page, member.email)
    page.get_by_role("link", name="Robotter i hjemmeplejen").first.click()

    form = page.get_by_role("form", name="Skriv en kommentar")
    form.get_by_text("Formatering", exact=True).click()  # a <details>: no JavaScript needed
    expect(form.locator(".formatting-help code", has_text="@[Sofie Lund]")).to_be_visible()
    text = "Det kræver:\n- data\n- etik\n\nSe https://kl.dk og spørg @[Sofie Lund] og @jens."
    page.get_by_label("Din kommentar").fill(text)
    page.get_by_role("button", name="Forhåndsvis").click()

    preview = page.locator(".preview")
    expect(preview.locator("li")).to_have_count(2)
    expect(preview.get_by_role("link", name="https://kl.dk")).to_have_attribute(
        "href", "https://kl.dk"
    )
    expect(preview.get_by_role("link", name="@Sofie Lund")).to_be_visible()
    expect(preview.locator(".notice")).to_contain_text("som derfor ikke bliver et link: @jens.")
    expect(page.get_by_label("Din kommentar")).to_have_value(text)
    assert_accessible(page, "comment preview")
    assert_fits_phone(page)

    page.get_by_role("button", name="Send kommentar").click()
    page.wait_for_url("**#c*")
    posted = page.locator("article.comment").first
    expect(posted.locator(".comment-body li")).to_have_count(2)
    expect(posted.get_by_role("link", name="https://kl.dk")).to_be_visible()
    expect(posted).to_contain_text("@jens")
