"""Issue 19 end to end in a real browser, by links from the front page: in a Chatham House
case a member votes "ja, på betingelser"; the secretariat closes the vote, groups and cites
the conditions and publishes the recommendation with an easy-read version; an anonymous
reader sees the result by sector (small sectors withheld), the conditions without names and
the LIX; a registered reader of a municipality records an adoption and reports how it went,
and the secretariat sees the report on the recommendation's review page."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from tests.conftest import cast
from tests.e2e.conftest import assert_accessible, log_in
from thinktank.accounts.roles import Role, Sector
from thinktank.extensions import db
from thinktank.models import local_today

CASE_TITLE = "Må borgerservice svare med en chatbot om natten?"
TITLE = "Natchatbots med klare grænser"
CONDITION = "Kvaliteten af svarene **måles hver måned**."
EASY = (
    "## Kort sagt\n\n"
    "En chatbot må gerne svare på enkle spørgsmål. Men du skal altid kunne tale med et menneske."
)
EASY_LIX = "LIX af den letlæste udgave: 22 (Meget let)"  # worked out in test_easy_read_e2e.py
PHONE_390 = {"width": 390, "height": 844}


def test_a_conditional_vote_in_a_chatham_house_case_becomes_a_recommendation_with_experience(
    app, new_page, secretariat, make_user, make_vote_case, make_recommendation, client_as
):
    vote = make_vote_case(
        positions=("Chatbot med klare grænser", "Ingen chatbot"),
        visibility="public",
        chatham_house="y",
        title=CASE_TITLE,
    )
    researcher = make_user(
        Role.MEMBER,
        display_name="Bertil Fortroligsen",
        organisation="Diskret Forskning",
        sector=Sector.RESEARCH,
    )
    assert cast(client_as(researcher), vote.id, vote.positions[1]).status_code == 302
    voter = make_user(
        Role.MEMBER,
        display_name="Astrid Hemmeligsen",
        organisation="Skjulby Kommune",
        sector=Sector.MUNICIPALITY,
    )
    leaks = ("Astrid Hemmeligsen", "Skjulby", "Bertil Fortroligsen", "Diskret Forskning")

    # a member votes "ja, på betingelser"
    member = new_page()
    log_in(member, voter.email)
    member.get_by_role("link", name="Sager", exact=True).first.click()
    member.get_by_role("link", name=CASE_TITLE).click()
    expect(member.get_by_role("heading", name="Chatham House-reglen")).to_be_visible()
    member.get_by_label("Chatbot med klare grænser", exact=True).check()
    member.get_by_label("Jeg stemmer ja på betingelser").check()
    member.get_by_label("Dine betingelser").fill(CONDITION)
    assert_accessible(member, "the ballot of a Chatham House case")
    member.locator(".ballot-form button[type=submit]").click()
    expect(member.locator(".own-ballot")).to_be_visible()

    # the secretariat closes the vote
    staff = new_page()
    log_in(staff, secretariat.email)
    staff.get_by_role("link", name="Sager", exact=True).first.click()
    staff.get_by_role("link", name=CASE_TITLE).click()
    staff.get_by_role("button", name="Luk afstemningen").click()
    expect(staff.locator(".badge-closed").first).to_be_visible()
    expect(staff.locator("#result-conditions")).to_contain_text("Astrid Hemmeligsen")

    # ... drafts a recommendation on it (its member review is over), groups and cites the
    # conditions, writes the easy-read version and publishes
    make_recommendation(status="review", case=vote, title=TITLE)
    staff.goto("/")
    staff.get_by_role("link", name="Anbefalinger", exact=True).first.click()
    staff.get_by_role("link", name="Udkast og medlemshøring").click()
    staff.get_by_role("link", name=TITLE).click()
    staff.get_by_role("link", name="Gruppér og citér afstemningens betingelser").click()
    staff.get_by_label("Astrid Hemmeligsen: Kvaliteten af svarene").check()
    staff.get_by_label("Gruppens navn").fill("Kvaliteten måles")
    staff.get_by_role("button", name="Gruppér de valgte betingelser").click()
    expect(staff.locator(".flashes")).to_contain_text("Betingelserne er samlet i en gruppe.")
    assert_accessible(staff, "the condition grouping page")
    staff.get_by_role("button", name="Citér i anbefalingen").click()
    expect(staff.get_by_role("button", name="Stop med at citere")).to_be_visible()
    staff.get_by_role("link", name=TITLE).click()
    staff.get_by_role("link", name="Redigér arbejdsudkastet").click()
    staff.get_by_label("Letlæst udgave (valgfri)").fill(EASY)
    staff.get_by_role("button", name="Forhåndsvis").click()
    expect(staff.locator("#easy-read-lix")).to_have_text(EASY_LIX)
    staff.get_by_role("button", name="Gem").click()
    expect(staff.locator(".easy-read")).to_contain_text(EASY_LIX)
    staff.get_by_role("button", name="Udgiv version 1").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(TITLE)

    # an anonymous reader: the sector table, the conditions without names, the LIX
    anonymous = new_page()
    anonymous.goto("/")
    anonymous.get_by_role("link", name="Anbefalinger", exact=True).first.click()
    anonymous.get_by_role("link", name=TITLE).click()
    table = anonymous.locator("#result-sectors table")
    expect(table.locator("caption")).to_contain_text("fordelt på vælgerens sektor")
    expect(table).to_contain_text("Forskning")
    expect(table).to_contain_text("Kommune")
    expect(table).to_contain_text("færre end 3")  # one voter per sector: withheld
    expect(anonymous.locator(".sector-count")).to_have_count(0)
    conditions = anonymous.locator("#result-conditions")
    expect(conditions).to_contain_text("Kvaliteten af svarene måles hver måned.")
    expect(anonymous.locator(".condition-group")).to_contain_text(
        "Betingelser fra afstemningen: Kvaliteten måles"
    )
    expect(anonymous.locator("section.easy-read .lix")).to_have_text(EASY_LIX)
    expect(anonymous.locator("#result")).to_contain_text("Et medlem (kommunal sektor)")
    content = anonymous.content()
    for leak in leaks:
        assert leak not in content, leak
    assert_accessible(anonymous, "the published recommendation, anonymous")
    anonymous.set_viewport_size(PHONE_390)
    expect(anonymous.locator("#result-sectors")).to_be_visible()
    width = anonymous.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_390["width"], f"{anonymous.url} is {width}px wide on a 390px phone"
    anonymous.get_by_role("link", name=CASE_TITLE).first.click()
    expect(anonymous.get_by_role("heading", level=1)).to_have_text(CASE_TITLE)
    expect(anonymous.locator("#result-conditions")).to_contain_text("måles hver måned")
    content = anonymous.content()
    for leak in leaks:
        assert leak not in content, leak
    assert_accessible(anonymous, "the closed Chatham House case on a phone, anonymous")

    # a registered reader of Aarhus Kommune records the adoption and reports how it went
    reader = make_user(Role.READER, email="it@aarhus.dk", display_name="Ida Thomsen")
    registered = new_page()
    log_in(registered, reader.email)
    registered.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Anbefalinger"
    ).click()
    registered.get_by_role("link", name=TITLE).click()
    expect(registered.locator("#result-conditions")).not_to_contain_text("Astrid")
    registered.get_by_label("Kommune", exact=True).select_option("751")
    registered.get_by_role("button", name="Registrér, at vi bruger den").click()
    expect(registered.locator(".adoption-list")).to_contain_text("Aarhus Kommune")
    registered.get_by_role("link", name="Fortæl, hvordan det gik i jeres kommune").click()
    registered.get_by_label("Hvad gjorde I?").fill("Chatbotten svarede kun om natten.")
    registered.get_by_label("Hvad virkede?").fill("Vi målte svarene **hver måned**.")
    registered.get_by_label("Hvad virkede ikke?").fill("Målingen tog en dag om måneden.")
    registered.get_by_role("group", name="Vil I anbefale den til andre kommuner?").get_by_label(
        "Ja"
    ).check()
    registered.get_by_label("Offentlig", exact=True).check()
    registered.get_by_role("button", name="Send erfaringen").click()
    expect(registered.locator(".flash-success")).to_contain_text("Jeres kommunes erfaring er gemt")
    expect(registered.locator(".experience-report")).to_contain_text("Aarhus Kommune")
    assert "Astrid Hemmeligsen" not in registered.content()
    assert_accessible(registered, "the recommendation with the experience report, reader")

    # the review date passes; the secretariat sees the report on the review page
    from thinktank.recommendations.models import Recommendation

    with app.app_context():
        recommendation = db.session.scalar(db.select(Recommendation).filter_by(title=TITLE))
        recommendation.review_by = local_today() - timedelta(days=1)
        db.session.commit()
    staff.goto("/")
    staff.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Anbefalinger"
    ).click()
    staff.get_by_role("link", name=TITLE).click()
    staff.get_by_role("link", name="Arbejdsudkast og høring").click()
    section = staff.locator("#experience")
    expect(section).to_contain_text("Skulle have været revurderet senest")
    expect(section).to_contain_text("Målingen tog en dag om måneden.")
    expect(section).to_contain_text("Aarhus Kommune")
    assert_accessible(staff, "the review page with the experience report")
