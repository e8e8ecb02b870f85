"""Positions and a vote in a real browser: the secretariat adds positions and starts the
vote, three members vote (one changes their vote, one abstains), the secretariat closes,
and everyone sees the same chart. Accessibility of the voting form, the result, the
member register and a member page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import cast
from tests.e2e.conftest import assert_accessible, assert_fits_phone, log_in
from thinktank.accounts.roles import Role, Sector

POSITIONS = ("Ja, på klare betingelser", "Kun som pilotforsøg", "Nej")


def _add_position(page, title: str, explanation: str) -> None:
    page.get_by_label("Holdning", exact=True).fill(title)
    page.get_by_label("Uddybning").fill(explanation)
    page.get_by_role("button", name="Tilføj holdningen").click()
    assert "Holdningen er tilføjet." in page.locator(".flashes").inner_text()


def _vote(page, path: str, choice: str, reason: str = "") -> None:
    page.goto(path)
    page.get_by_label(choice, exact=True).check()
    if reason:
        page.get_by_label("Begrundelse (valgfri)").fill(reason)
    page.locator(".ballot-form button[type=submit]").click()


def test_secretariat_runs_a_vote_that_three_members_cast_and_everyone_sees_the_result(
    app, new_page, secretariat, make_user, make_case
):
    case = make_case(state="open", visibility="public", title="Skal jobcentret profilere ledige?")
    path = f"/cases/{case.id}"
    members = [
        make_user(Role.MEMBER, display_name="Anders Holm", organisation="Aarhus Kommune"),
        make_user(
            Role.MEMBER,
            display_name="Louise Brandt",
            organisation="Netcompany",
            sector=Sector.PRIVATE,
        ),
        make_user(
            Role.MEMBER, display_name="Sofie Lund", organisation="Dansk Socialrådgiverforening"
        ),
    ]

    staff = new_page()
    log_in(staff, secretariat.email)
    staff.goto(path)
    _add_position(staff, POSITIONS[0], "Kun med **ret til indsigt**.")
    _add_position(staff, POSITIONS[1], "Et års forsøg med evaluering.")
    _add_position(staff, POSITIONS[2], "Profilering skader tilliden.")
    assert staff.locator(".position-list strong").inner_text() == "ret til indsigt"
    staff.get_by_label("Bemærkning (valgfri)").last.fill("Afstemningen løber en uge.")
    staff.get_by_role("button", name="Start afstemning").click()
    expect(staff.locator(".badge-voting").first).to_be_visible()
    assert "Resultatet er skjult" in staff.locator("#voting").inner_text()

    voters = []
    for user in members:
        voter = new_page()
        log_in(voter, user.email)
        voters.append(voter)
    _vote(voters[0], path, POSITIONS[0], "Med betingelserne er risikoen til at styre.")
    assert "Din stemme er afgivet." in voters[0].locator(".flashes").inner_text()
    assert_accessible(voters[0], "the voting form with a cast vote")
    _vote(voters[1], path, POSITIONS[1])
    _vote(voters[1], path, POSITIONS[0], "Betingelserne dækker det, et forsøg skulle vise.")
    assert "Din stemme er ændret." in voters[1].locator(".flashes").inner_text()
    assert (
        "Du stemte for »Ja, på klare betingelser«." in voters[1].locator(".own-ballot").inner_text()
    )
    _vote(voters[2], path, "Stem blankt", "Jeg mangler viden om modellens skævheder.")
    assert "Du stemte blankt." in voters[2].locator(".own-ballot").inner_text()
    for voter in voters:  # nobody sees a count before closing
        voter.reload()
        expect(voter.locator("figure.tally")).to_have_count(0)

    staff.reload()
    # the three voters, the case's author and the secretariat may vote
    assert "3 af 5 stemmeberettigede medlemmer har stemt." in staff.locator("#voting").inner_text()
    staff.get_by_role("button", name="Luk afstemningen").click()
    expect(staff.locator(".badge-closed").first).to_be_visible()

    reader = new_page()
    reader.goto(path)
    charts = set()
    for page in [staff, reader, *voters]:
        page.goto(path)
        charts.add(page.locator("figure.tally").inner_text())
    assert len(charts) == 1
    chart = charts.pop().replace("\xa0", " ")  # Danish numbers: "66,7 %" with a no-break space
    assert "Ja, på klare betingelser\n2 stemmer (66,7 %)" in chart
    assert "Stemte blankt\n1 stemme (33,3 %)" in chart
    votes = reader.locator("#result").inner_text()
    assert "Louise Brandt, Netcompany (privat virksomhed)" in votes
    assert "Betingelserne dækker det, et forsøg skulle vise." in votes
    assert_accessible(reader, "the frozen result")
    phone = new_page(phone=True)
    phone.goto(path)
    assert_fits_phone(phone)


def test_voting_form_is_accessible_with_errors_and_works_without_javascript(
    app, new_page, member, make_vote_case
):
    vote = make_vote_case(visibility="public")
    page = new_page()
    log_in(page, member.email)
    page.goto(f"/cases/{vote.id}/vote")
    page.locator(".ballot-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "the vote page with an error")
    # axe needs JavaScript, so the page without it is only used, not checked
    plain = new_page(javascript=False)
    log_in(plain, member.email)
    plain.goto(f"/cases/{vote.id}")
    plain.get_by_label("Nej", exact=True).check()
    plain.locator(".ballot-form button[type=submit]").click()
    assert "Du stemte for »Nej«." in plain.locator(".own-ballot").inner_text()


def test_secretariat_forms_for_positions_and_starting_a_vote_are_accessible(
    app, new_page, secretariat, member, make_case, client_as
):
    case = make_case(state="open", visibility="public")
    client_as(member).post(f"/cases/{case.id}/positions/new", data={"position-title": "Et forslag"})
    for title in ("Ja", "Nej"):
        client_as(secretariat).post(
            f"/cases/{case.id}/positions/new", data={"position-title": title}
        )
    page = new_page()
    log_in(page, secretariat.email)
    page.goto(f"/cases/{case.id}")
    assert_accessible(page, "the case page with the position and start-voting forms")
    page.get_by_role("link", name="Redigér eller afvis").click()
    page.get_by_role("button", name="Afvis forslaget").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "the position page with an error")
    page.goto(f"/cases/{case.id}/voting/start")
    assert_accessible(page, "the start-voting page")


def test_member_register_and_member_page_are_accessible_and_fit_a_phone(
    app, new_page, member, secretariat, client_as, make_vote_case
):
    client = client_as(member)
    client.post(
        "/profile/interests",
        data={"kind": "employment", "organisation": "Aarhus Kommune", "starts_on": "2019-03-01"},
    )
    vote = make_vote_case(visibility="public")
    cast(client, vote.id, vote.positions[0], "Min begrundelse.")
    client_as(secretariat).post(f"/cases/{vote.id}/transition", data={"move": "close_voting"})
    for phone in (False, True):
        page = new_page(phone=phone)
        page.goto("/members/")
        assert_accessible(page, "the member register")
        page.get_by_role("link", name=member.display_name).click()
        assert "Min begrundelse." in page.locator("main").inner_text()
        assert_accessible(page, "a member page")
        if phone:
            assert_fits_phone(page)
    page = new_page()
    log_in(page, member.email)
    page.goto("/profile/interests")
    assert_accessible(page, "declaring interests")
    page.get_by_role("button", name="Tilføj interessen").click()
    assert_accessible(page, "declaring interests with errors")


def test_secretariat_closing_early_gives_a_reason_and_a_changed_vote_confirms_its_reason(
    app, new_page, secretariat, member, make_vote_case
):
    from datetime import UTC, datetime, timedelta

    make_vote_case(
        visibility="public",
        title="Skal kommunen bruge en chatbot?",
        closes_at=datetime.now(UTC) + timedelta(days=5),
    )
    voter = new_page()
    log_in(voter, member.email)
    voter.get_by_role("link", name="Sager", exact=True).first.click()
    voter.get_by_role("link", name="Skal kommunen bruge en chatbot?").click()
    voter.get_by_label("Ja, på betingelser", exact=True).check()
    voter.get_by_label("Begrundelse (valgfri)").fill("Kun med en vej til et menneske.")
    voter.locator(".ballot-form button[type=submit]").click()
    voter.wait_for_url("**#ballot")
    expect(voter.locator("#ballot .flashes")).to_contain_text("Din stemme er afgivet.")
    # a new choice with the old reason: refused until the reason is confirmed
    voter.get_by_label("Nej", exact=True).check()
    voter.locator(".ballot-form button[type=submit]").click()
    expect(voter.locator(".error-summary")).to_contain_text("»Ja, på betingelser«")
    voter.get_by_label("Begrundelsen gælder også mit nye valg").check()
    voter.locator(".ballot-form button[type=submit]").click()
    expect(voter.locator("#ballot .flashes")).to_contain_text("Din stemme er ændret.")
    expect(voter.locator(".own-ballot")).to_contain_text("Du stemte for »Nej«.")

    staff = new_page()
    log_in(staff, secretariat.email)
    staff.get_by_role("link", name="Sager", exact=True).first.click()
    staff.get_by_role("link", name="Skal kommunen bruge en chatbot?").click()
    staff.get_by_role("button", name="Luk afstemningen").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Bekræft: Luk afstemningen")
    expect(staff.locator(".confirm-concerns")).to_contain_text("slutter den før tid")
    assert_accessible(staff, "close confirmation")
    staff.get_by_label("Begrundelse").fill("Alle medlemmer har stemt.")
    staff.get_by_role("button", name="Bekræft: Luk afstemningen").click()
    expect(staff.locator(".badge-closed").first).to_be_visible()
    expect(staff.locator(".timeline")).to_contain_text("Alle medlemmer har stemt.")
