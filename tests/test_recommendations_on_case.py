"""The case page leads to its recommendation: the way to draft one, the published one, each
version in the timeline; and the drafts page lists the closed cases still waiting for one."""

from __future__ import annotations

import re

import pytest

from tests.conftest import page_text


def _links(response) -> dict[str, str]:
    """{link text: href} of the page's links (text with tags removed, spaces collapsed)."""
    html = response.get_data(as_text=True)
    return {
        " ".join(re.sub(r"<[^>]+>", " ", text).split()): href
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    }


def test_secretariat_is_offered_to_write_a_draft_on_a_closed_case(
    client_as, secretariat, make_case
):
    case = make_case(state="closed", visibility="public")
    page = client_as(secretariat).get(f"/cases/{case.id}")
    assert _links(page)["Skriv udkast til anbefaling"] == f"/cases/{case.id}/recommendation"
    assert "Handlinger" in page_text(page)
    form = client_as(secretariat).get(_links(page)["Skriv udkast til anbefaling"])
    assert form.status_code == 200 and "Titel" in page_text(form)


@pytest.mark.parametrize("who", ["anonymous", "reader", "member"])
def test_only_those_who_may_draft_are_offered_it(role_clients, make_case, who):
    case = make_case(state="closed", visibility="public")
    assert "Skriv udkast til anbefaling" not in page_text(
        role_clients[who].get(f"/cases/{case.id}")
    )


@pytest.mark.parametrize("state", ["open", "voting", "archived"])
def test_no_draft_is_offered_before_voting_has_closed(client_as, secretariat, make_case, state):
    case = make_case(state=state, visibility="public")
    assert "Skriv udkast til anbefaling" not in page_text(
        client_as(secretariat).get(f"/cases/{case.id}")
    )


def test_a_case_with_a_draft_links_to_it_instead(role_clients, make_case, make_recommendation):
    case = make_case(state="closed", visibility="public")
    draft = make_recommendation("review", case=case, title="Brug kun rådgivende modeller")
    staff = role_clients["secretariat"].get(f"/cases/{case.id}")
    assert "Skriv udkast til anbefaling" not in page_text(staff)
    link = "Se udkastet til anbefaling »Brug kun rådgivende modeller«"
    assert _links(staff)[link] == f"/recommendations/{draft.id}/draft"
    assert link in page_text(role_clients["member"].get(f"/cases/{case.id}"))  # they review it
    for who in ("anonymous", "reader"):
        assert link not in page_text(role_clients[who].get(f"/cases/{case.id}"))


def test_drafts_page_lists_closed_cases_without_a_draft(
    client_as, secretariat, member, make_case, make_recommendation
):
    waiting = make_case(state="closed", visibility="members", title="Chatbot i borgerservice")
    drafted = make_case(state="closed", visibility="public", title="Datadeling på tværs")
    make_recommendation("draft", case=drafted)
    make_case(state="open", title="Åben sag om genoptræning")
    page = client_as(secretariat).get("/recommendations/drafts")
    text = page_text(page)
    assert "Lukkede sager uden udkast" in text and "Chatbot i borgerservice" in text
    assert "Datadeling på tværs" not in text  # its draft is listed by its own title
    assert "Åben sag om genoptræning" not in text
    links = re.findall(r'href="([^"]+)"', page.get_data(as_text=True))
    assert f"/cases/{waiting.id}/recommendation" in links
    assert f"/cases/{drafted.id}/recommendation" not in links
    # members review drafts, but do not start them
    assert "Lukkede sager uden udkast" not in page_text(
        client_as(member).get("/recommendations/drafts")
    )


def test_the_drafts_page_is_reachable_by_links(client_as, secretariat):
    staff = client_as(secretariat)
    portal = staff.get(_links(staff.get("/"))["Anbefalinger"])
    assert _links(portal)["Udkast og medlemshøring"] == "/recommendations/drafts"


def _publish_second_version(client, recommendation):
    client.post(
        f"/recommendations/{recommendation.id}/edit",
        data={"title": "Brug kun forklarlige modeller", "summary": "Ny.", "body": "Ny tekst."},
    )
    client.post(f"/recommendations/{recommendation.id}/publish", data={"change_note": "Skærpet."})


def test_a_recommended_case_links_its_recommendation_and_each_version(
    client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("published", title="Brug kun rådgivende modeller")
    _publish_second_version(client_as(secretariat), recommendation)
    page = client_as(None).get(f"/cases/{recommendation.case_id}")
    text = page_text(page)
    notice = "Sekretariatet har udgivet en anbefaling på baggrund af sagen: Brug kun forklarlige modeller"
    assert notice in text
    assert text.index(notice) < text.index("Dilemmaet")  # near the top, before the case's text
    links = _links(page)
    assert links["Brug kun forklarlige modeller"].startswith(
        f"/recommendations/{recommendation.id}-"
    )
    timeline = text.split("Tidslinje")[1]
    assert "Anbefalingen blev udgivet" in timeline
    assert links["Anbefalingen blev udgivet"] == f"/recommendations/{recommendation.id}/v1"
    second = "Version 2 af anbefalingen »Brug kun forklarlige modeller« blev udgivet"
    assert second in timeline
    assert links[second] == f"/recommendations/{recommendation.id}/v2"


def test_the_case_page_stays_within_a_fixed_number_of_queries_with_more_versions(
    client_as, secretariat, make_recommendation, count_queries
):
    few = make_recommendation("published", title="Én version")
    many = make_recommendation("published", title="Mange versioner")
    staff = client_as(secretariat)
    for n in range(4):
        staff.post(
            f"/recommendations/{many.id}/edit",
            data={"title": f"Mange versioner {n}", "summary": "Ny.", "body": f"Tekst {n}."},
        )
        staff.post(f"/recommendations/{many.id}/publish", data={"change_note": f"Ændring {n}"})
    reader = client_as(None)
    reader.get("/")
    with count_queries() as small:
        reader.get(f"/cases/{few.case_id}")
    with count_queries() as large:
        page = reader.get(f"/cases/{many.case_id}")
    assert "Version 5 af anbefalingen" in page_text(page)
    assert small.count == large.count, str(large)
