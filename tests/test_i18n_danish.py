"""The Danish a reader meets: states that are states, singular counts, the house words,
»…«, one way of writing dates, Danish numbers (see thinktank/translations/GLOSSARY.md)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po

from tests.conftest import CASE_FORM, cast, page_text
from tests.test_i18n import CATALOGS
from thinktank.accounts.models import User, format_affiliation
from thinktank.accounts.roles import Role, Sector
from thinktank.extensions import db
from thinktank.members.models import Interest, InterestKind

MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
DANISH_MOMENT = re.compile(rf"\b\d{{1,2}}\. (?:{MONTHS}) \d{{4}} kl\. \d{{2}}\.\d{{2}}\b")


def _danish_catalog():
    with open(CATALOGS / "da" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return [m for m in read_po(handle) if m.id]


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def _english(client):
    client.get("/language/en?next=/")
    return client


# --- states are states, moves are commands -------------------------------------------------


def test_a_state_badge_says_where_the_case_is_and_the_button_what_to_do(
    client_as, secretariat, make_case
):
    draft = make_case(state="draft", title="En kladde")
    opened = make_case(state="open", title="En åben sag")
    staff = client_as(secretariat)
    draft_html = staff.get(f"/cases/{draft.id}").get_data(as_text=True)
    assert re.search(r"<button[^>]*>\s*Åbn for drøftelse\s*</button>", draft_html)
    open_html = staff.get(f"/cases/{opened.id}").get_data(as_text=True)
    badge = re.search(r'<span class="badge badge-open">(.*?)</span>', open_html).group(1)
    assert badge == "Åben for drøftelse"


def test_the_case_filter_is_called_status_and_names_each_state(client, make_case):
    make_case(state="voting", visibility="public")
    html = client.get("/cases/").get_data(as_text=True)
    assert re.search(r'<label class="label" for="filter-state">Status</label>', html)
    select = html.split('id="filter-state"', 1)[1].split("</select>", 1)[0]
    options = dict(re.findall(r'<option value="(\w+)"[^>]*>([^<]+?) \(\d+\)</option>', select))
    assert options == {
        "draft": "Kladde",
        "open": "Åben for drøftelse",
        "voting": "Til afstemning",
        "closed": "Afstemning lukket",
        "recommended": "Anbefaling udgivet",
        "archived": "Arkiveret",
    }


def test_the_state_as_a_sector_is_not_the_word_for_status(client, make_user):
    make_user(Role.MEMBER, organisation="Digitaliseringsstyrelsen", sector=Sector.STATE)
    assert "Digitaliseringsstyrelsen Staten" in page_text(client.get("/members/"))


def test_the_timeline_says_who_started_and_closed_the_vote(client_as, secretariat, make_vote_case):
    vote = make_vote_case(visibility="public")
    staff = client_as(secretariat)
    closed = staff.post(
        f"/cases/{vote.id}/transition", data={"move": "close_voting"}, follow_redirects=True
    )
    text = page_text(closed)
    assert "Afstemningen blev lukket." in text  # the flash
    name = secretariat.display_name
    assert f"Afstemningen blev startet af {name}" in text
    assert f"Afstemningen blev lukket af {name}" in text
    assert "startede af" not in text and "Udført" not in text


# --- counts --------------------------------------------------------------------------------


def test_review_overview_counts_in_the_singular(client_as, make_user, make_recommendation):
    recommendation = make_recommendation("review")
    url = f"/recommendations/{recommendation.id}"
    yes, no = make_user(Role.MEMBER), make_user(Role.MEMBER)
    client_as(yes).post(f"{url}/respond", data={"response": "consent"})
    client_as(no).post(f"{url}/respond", data={"response": "objection", "reason": "For tidligt."})
    client_as(no).post(f"{url}/opinion", data={"body": "Vent et år."})
    overview = page_text(client_as(yes).get(f"{url}/draft"))
    assert "1 tilslutning 1 indsigelse 1 mindretalsudtalelse" in overview


def test_one_flag_is_one_anmeldelse_and_the_queue_offers_to_keep_the_comment(
    client_as, make_user, member, secretariat, make_case, make_comment
):
    case = make_case(state="open", visibility="public")
    comment = make_comment(case, member, "Et sagligt indlæg")
    other = client_as(make_user(Role.MEMBER))
    assert "Anmeld kommentar" in page_text(other.get(f"/cases/{case.id}"))
    other.post(f"/comments/{comment.id}/flag", data={"reason": "off_topic"})
    assert "Du har anmeldt denne kommentar" in page_text(other.get(f"/cases/{case.id}"))
    queue = page_text(client_as(secretariat).get("/moderation/"))
    assert "1 anmeldelse" in queue and "Behold kommentaren" in queue
    assert "markering" not in queue.lower()


def test_turnout_is_counted_with_the_right_form_and_a_decimal_comma(
    client_as, make_user, secretariat, make_vote_case
):
    vote = make_vote_case(visibility="public", open_results=True)
    voters = [make_user(Role.MEMBER) for _ in range(2)]
    for voter in voters:
        cast(client_as(voter), vote.id, vote.positions[0])
    text = page_text(client_as(secretariat).get(f"/cases/{vote.id}"))
    # 2 voters + the case's author + the secretariat are eligible
    assert "Deltagelse 2 af 4 stemmeberettigede (50 %)" in text
    assert "2 stemmer (100 %)" in text


def test_every_count_in_the_catalog_is_a_plural_message():
    singular_counts = [
        m.id
        for m in _danish_catalog()
        if isinstance(m.id, str) and re.search(r"%\((num|count)\)", m.id)
    ]
    assert singular_counts == []


# --- words and punctuation, in every Danish string ------------------------------------------


@pytest.mark.parametrize(
    ("wrong", "why"),
    [
        ("f.eks.", "write fx"),
        ("for eksempel", "write fx"),
        ("“", "Danish quotation marks are »…«"),
        ("”", "Danish quotation marks are »…«"),
        ('"', "Danish quotation marks are »…«"),
        (" :", "no space before a colon"),
        ("anmeldte interesse", "oplyste interesser"),
        ("anmeld en interesse", "tilføj en interesse"),
        ("markering", "a flag is an anmeldelse"),
        ("revisionslog", "revisionsspor"),
        ("tags", "emneord"),
        ("robotic process", "a Danish name: softwarerobotter (RPA)"),
        ("forælder", "bliver hurtigt forældet"),
        ("startede af", "blev startet af"),
    ],
)
def test_no_danish_string_breaks_the_house_rules(wrong, why):
    offending = [text for m in _danish_catalog() for text in _strings(m) if wrong in text.lower()]
    assert offending == [], why


def test_the_flag_link_is_not_a_highlighter():
    flag = [m for m in _danish_catalog() if m.id == "Flag"]
    assert [m.string for m in flag] == ["Anmeld kommentar"]


def test_declared_interests_are_oplyste_on_the_member_pages(client_as, member):
    client = client_as(member)
    assert "Tilføj en interesse" in page_text(client.get("/profile/interests"))
    client.post(
        "/profile/interests",
        data={
            "kind": "employment",
            "organisation": "Netcompany",
            "description": "",
            "starts_on": "",
        },
    )
    public = page_text(client_as(None).get(f"/members/{member.id}"))
    assert "Oplyste interesser" in public and "Anmeld" not in public


def test_words_on_the_case_page(client_as, make_case, member):
    case = make_case(state="open", visibility="public", technology="robotic_process_automation")
    text = page_text(client_as(member).get(f"/cases/{case.id}"))
    assert "Softwarerobotter (RPA)" in text and "Robotic" not in text
    form = page_text(client_as(member).get("/cases/new"))
    assert "Emneord" in form and "Tags" not in form


def test_the_administrators_log_is_the_revisionsspor(client_as, admin):
    text = page_text(client_as(admin).get("/admin/audit"))
    assert "Revisionsspor" in text and "Revisionslog" not in text


def test_review_by_hint_reads_as_danish(client_as, secretariat, make_case):
    case = make_case(state="closed", visibility="public")
    form = page_text(client_as(secretariat).get(f"/cases/{case.id}/recommendation"))
    assert "Vejledning om teknologi bliver hurtigt forældet: Hvornår" in form


# --- names with their affiliation ------------------------------------------------------------


def test_affiliation_follows_a_comma_without_nested_parentheses(app):
    with app.test_request_context("/"):
        assert (
            format_affiliation("Dansk Socialrådgiverforening", Sector.CIVIL_SOCIETY)
            == "Dansk Socialrådgiverforening (civilsamfund)"
        )
        assert format_affiliation("Aarhus Kommune", Sector.MUNICIPALITY) == "Aarhus Kommune"


def test_signers_and_participants_on_a_published_recommendation(
    app, client_as, make_user, secretariat, make_vote_case, make_recommendation
):
    vote = make_vote_case(visibility="public")
    researcher = make_user(
        Role.MEMBER,
        display_name="Mette Holm",
        organisation="Aarhus Universitet",
        sector=Sector.RESEARCH,
    )
    sofie = make_user(
        Role.MEMBER,
        display_name="Sofie Lund",
        organisation="Dansk Socialrådgiverforening",
        sector=Sector.CIVIL_SOCIETY,
    )
    with app.app_context():
        db.session.add(
            Interest(user_id=researcher.id, kind=InterestKind.EMPLOYMENT, organisation="AU")
        )
        db.session.commit()
    cast(client_as(researcher), vote.id, vote.positions[0])
    client_as(secretariat).post(f"/cases/{vote.id}/transition", data={"move": "close_voting"})
    with app.app_context():
        case = _case(vote.id)
    recommendation = make_recommendation("review", case=case)
    client_as(sofie).post(
        f"/recommendations/{recommendation.id}/opinion", data={"body": "Vi er uenige."}
    )
    _publish(app, secretariat, recommendation.id)
    text = page_text(client_as(None).get(f"/recommendations/{recommendation.id}"))
    assert "Underskrevet af Sofie Lund, Dansk Socialrådgiverforening (civilsamfund)" in text
    assert "Aarhus Universitet (forskning) · Oplyste interesser: Ansættelse: AU" in text
    assert "((" not in text and "))" not in text


def _case(case_id):
    from thinktank.cases.models import Case

    case = db.session.get(Case, case_id)
    db.session.expunge(case)
    return case


def _publish(app, secretariat, recommendation_id):
    from thinktank.recommendations import service
    from thinktank.recommendations.models import Recommendation

    with app.test_request_context("/"):
        staff = db.session.get(User, secretariat.id)
        service.publish(staff, db.session.get(Recommendation, recommendation_id))
        db.session.commit()


# --- dates and numbers -----------------------------------------------------------------------


def test_moments_are_written_one_way(app, client_as, member, make_case):
    from thinktank.templating import date_text, datetime_text

    moment = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
    with app.test_request_context("/"):
        assert datetime_text(moment) == "2. december 2026 kl. 12.00"
        assert date_text(moment) == "2. december 2026"
    case = make_case(state="open", visibility="public")
    text = page_text(client_as(member).get(f"/cases/{case.id}"))
    assert DANISH_MOMENT.search(text)
    english = page_text(_english(client_as(member)).get(f"/cases/{case.id}"))
    assert re.search(r"[A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d{2}", english)


def test_numbers_are_written_in_danish(client_as, member, make_case):
    case = make_case(state="open", visibility="public")
    client = client_as(member)
    too_long = client.post(
        f"/discussions/case/{case.id}/comments", data={"body": "x" * 20_001}, follow_redirects=True
    )
    assert "Højst 20.000 tegn." in page_text(too_long)
    form = dict(CASE_FORM, dilemma="x" * 20_001)
    assert "Højst 20.000 tegn." in page_text(client.post("/cases/new", data=form))
    english = _english(client).post("/cases/new", data=form)
    assert "At most 20,000 characters." in page_text(english)


def test_shares_keep_one_decimal(app):
    from thinktank.i18n import percent_text

    with app.test_request_context("/"):
        assert " ".join(percent_text(3 / 7).split()) == "42,9 %"
        assert " ".join(percent_text(0.5).split()) == "50 %"
