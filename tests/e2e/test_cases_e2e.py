"""A case from draft to discussion in a real browser; accessibility of the case pages."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in


def _fill_case(page) -> None:
    page.get_by_label("Titel").fill("Skal borgerservice bruge en chatbot om natten?")
    page.get_by_label("Kort resumé").fill(
        "Kommunen vil lade en chatbot svare på spørgsmål uden for åbningstid."
    )
    page.get_by_label("Dilemmaet").fill(
        "Chatbotten kan **hjælpe** mange, men:\n\n- den kan tage fejl\n- den kan virke som en mur"
    )
    page.get_by_label("Kommunalt område").select_option("citizen_service")
    page.get_by_label("Emneord").fill("chatbot, borgerservice")
    page.get_by_label("Type teknologi").select_option("chatbot_generative_ai")
    page.get_by_label("Rådgivende: støtter en sagsbehandlers afgørelse").check()
    page.get_by_label("Risikoklasse efter EU's AI-forordning (din vurdering)").select_option(
        "limited"
    )
    page.get_by_label("Navn, adresse og kontaktoplysninger").check()
    page.locator("#sensitive_data-1").check()
    page.locator("#cross_sector_data-1").check()
    page.get_by_label("Delvist").check()
    page.get_by_label("Konsekvensanalyse (DPIA)").select_option("none")
    page.get_by_label("Offentlig").check()


def test_member_drafts_previews_submits_and_the_secretariat_opens(
    app, new_page, member, secretariat
):
    author = new_page()
    log_in(author, member.email)
    author.get_by_role("link", name="Ny sag").click()
    _fill_case(author)
    author.get_by_role("button", name="Forhåndsvis").click()
    preview = author.locator(".preview")
    assert preview.locator("strong").inner_text() == "hjælpe"
    expect(preview.locator("li")).to_have_count(2)
    assert (
        author.get_by_label("Titel").input_value()
        == "Skal borgerservice bruge en chatbot om natten?"
    )
    author.get_by_role("button", name="Gem kladde").click()
    assert (
        author.get_by_role("heading", level=1).inner_text()
        == "Skal borgerservice bruge en chatbot om natten?"
    )
    expect(author.locator(".badge-draft")).to_be_visible()
    author.get_by_role("button", name="Send til sekretariatet").click()
    expect(author.locator(".badge-submitted")).to_be_visible()
    case_path = author.url.split("127.0.0.1")[1].split("/", 1)[1]

    staff = new_page()
    log_in(staff, secretariat.email)
    staff.goto(f"/{case_path}")
    staff.get_by_label("Bemærkning (valgfri)").fill("Klar til drøftelse i tænketanken.")
    staff.get_by_role("button", name="Åbn for drøftelse").click()
    expect(staff.locator(".badge-open")).to_be_visible()
    assert "Klar til drøftelse i tænketanken." in staff.locator(".timeline").inner_text()

    reader = new_page()
    reader.goto("/cases/")
    reader.get_by_label("Område").select_option("citizen_service")
    reader.get_by_role("button", name="Vis sager").click()
    assert "domain=citizen_service" in reader.url
    reader.get_by_role("link", name="Skal borgerservice bruge en chatbot om natten?").click()
    expect(reader.locator(".fact-box")).to_be_visible()


def test_case_pages_are_accessible(app, new_page, member, make_case):
    case = make_case(state="open", visibility="public")
    make_case(state="draft", title="En kladde")
    for language in ("da", "en"):
        page = new_page(language)
        page.goto("/cases/")
        assert_accessible(page, f"case list ({language})")
        page.goto(f"/cases/{case.id}")
        assert_accessible(page, f"case page ({language})")
    page = new_page()
    log_in(page, member.email)
    page.goto("/cases/new")
    assert_accessible(page, "case form")
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "case form with errors")
    page.goto(f"/cases/{case.id}/history")
    assert_accessible(page, "case history")


def test_case_pages_fit_a_phone(new_page, member, make_case):
    case = make_case(state="open", visibility="public", tags="a, b, c, d, e, f, g, h")
    page = new_page(phone=True)
    for path in ("/cases/", f"/cases/{case.id}"):
        page.goto(path)
        assert_fits_phone(page)
    log_in(page, member.email)
    page.goto("/cases/new")
    assert_fits_phone(page)


def test_case_form_works_without_javascript(new_page, member):
    page = new_page(javascript=False)
    log_in(page, member.email)
    page.goto("/cases/new")
    _fill_case(page)
    page.get_by_role("button", name="Forhåndsvis").click()
    assert page.locator(".preview strong").inner_text() == "hjælpe"
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.locator(".badge-draft")).to_be_visible()
