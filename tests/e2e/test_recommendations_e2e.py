"""The whole journey of a recommendation in a real browser, with axe on every page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in
from thinktank.accounts.roles import Role


def test_from_closed_case_to_adopted_guidance(
    app, new_page, make_user, member, secretariat, make_case, make_comment
):
    case = make_case(
        state="open",
        visibility="public",
        domain="citizen_service",
        technology="chatbot_generative_ai",
        title="Chatbot i borgerservice",
    )
    make_comment(case, member, "Borgeren skal altid kunne nå et menneske.")
    objector = make_user(Role.MEMBER, display_name="Sofie Lund")
    supporter = make_user(Role.MEMBER, display_name="Jens Kristensen")
    reader = make_user(Role.READER, display_name="Karin Madsen")

    from thinktank.cases.models import Case
    from thinktank.extensions import db

    with app.app_context():  # the vote itself has its own browser test
        db.session.get(Case, case.id).state = "closed"
        db.session.commit()

    staff = new_page()
    log_in(staff, secretariat.email)
    staff.goto(f"/cases/{case.id}/recommendation")
    assert_accessible(staff, "draft form")
    staff.get_by_label("Titel").fill("Chatbots må aldrig stå alene")
    staff.get_by_label("Resumé").fill(
        "En chatbot i borgerservice skal altid kunne sende borgeren videre til et menneske."
    )
    staff.get_by_label("Anbefalingen").fill(
        "## Anbefaling\n\n- Vis altid vejen til et menneske\n- Log samtalerne"
    )
    staff.get_by_label("Borgeren skal altid kunne nå et menneske.", exact=False).check()
    staff.get_by_role("button", name="Gem").click()
    assert_accessible(staff, "draft page")
    staff.get_by_role("button", name="Send i medlemshøring").click()
    draft_url = staff.url

    dissent = new_page()
    log_in(dissent, objector.email)
    dissent.goto(draft_url)
    dissent.get_by_label("Indsigelse").check()
    dissent.get_by_label("Begrundelse").fill("Chatbots bør slet ikke bruges i borgerservice endnu.")
    dissent.get_by_role("button", name="Send dit svar").click()
    dissent.get_by_label("Din mindretalsudtalelse").fill(
        "Vi mener, at chatbots **ikke** bør bruges, før de er evalueret."
    )
    dissent.get_by_role("button", name="Gem mindretalsudtalelsen").click()
    assert_accessible(dissent, "review with a minority opinion")

    consent = new_page()
    log_in(consent, supporter.email)
    consent.goto(draft_url)
    consent.get_by_label("Tilslutning").check()
    consent.get_by_role("button", name="Send dit svar").click()
    consent.get_by_role("button", name="Medunderskriv").click()

    # from the front page to the draft; publishing before the review deadline and over an
    # objection goes through a confirmation page that asks for the reason
    staff.goto("/")
    staff.get_by_role("link", name="Anbefalinger", exact=True).first.click()
    staff.get_by_role("link", name="Udkast og medlemshøring").click()
    expect(staff.locator(".review-deadline").first).to_contain_text("Høringsfrist:")
    staff.get_by_role("link", name="Chatbots må aldrig stå alene").click()
    expect(staff.locator(".review-status")).to_contain_text("1 tilslutning")
    staff.get_by_role("button", name="Udgiv version 1").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Udgiv version 1 nu?")
    expect(staff.locator(".confirm-concerns")).to_contain_text("1 medlem gør indsigelse")
    staff.get_by_role("button", name="Udgiv version 1 alligevel").click()
    expect(staff.locator(".error-summary")).to_be_visible()
    assert_accessible(staff, "publish confirmation with an error")
    staff.get_by_label("Begrundelse for at udgive nu").fill(
        "Indsigelsen er drøftet; mindretalsudtalelsen udgives med."
    )
    staff.get_by_role("button", name="Udgiv version 1 alligevel").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Chatbots må aldrig stå alene")

    anonymous = new_page()
    anonymous.goto("/recommendations/")
    anonymous.get_by_label("Område").select_option("citizen_service")
    anonymous.get_by_role("button", name="Vis anbefalinger").click()
    assert_accessible(anonymous, "portal with a filter")
    anonymous.get_by_role("link", name="Chatbots må aldrig stå alene").click()
    assert "Underskrevet af Sofie Lund" in anonymous.locator(".minority-opinion").inner_text()
    assert "Jens Kristensen" in anonymous.locator(".minority-opinion").inner_text()
    assert (
        "Borgeren skal altid kunne nå et menneske." in anonymous.locator(".citation").inner_text()
    )
    assert_accessible(anonymous, "recommendation page")
    anonymous.emulate_media(media="print")
    expect(anonymous.locator(".site-header")).to_be_hidden()
    assert_accessible(anonymous, "print view")
    anonymous.emulate_media(media="screen")

    registered = new_page()
    log_in(registered, reader.email)
    registered.goto(anonymous.url)
    registered.get_by_label("Kommune", exact=True).select_option("751")
    registered.get_by_role("button", name="Registrér, at vi bruger den").click()
    assert "Aarhus Kommune" in registered.locator(".adoption-list").inner_text()

    staff.get_by_role("link", name="Arbejdsudkast og høring").click()
    staff.get_by_role("link", name="Redigér arbejdsudkastet").click()
    staff.get_by_label("Resumé").fill(
        "En chatbot i borgerservice skal altid sende borgeren videre til et menneske, når borgeren beder om det."
    )
    staff.get_by_role("button", name="Gem").click()
    staff.get_by_label("Hvad er ændret i denne version?").fill(
        "Præciseret, hvornår borgeren sendes videre."
    )
    staff.get_by_role("button", name="Udgiv version 2").click()
    staff.get_by_role("link", name="hvad er ændret").first.click()
    expect(staff.locator("ins").first).to_be_visible()
    assert_accessible(staff, "diff page")

    phone = new_page(phone=True)
    phone.goto(anonymous.url)
    assert_fits_phone(phone)
