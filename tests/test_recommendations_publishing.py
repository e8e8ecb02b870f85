"""Publishing versions, the diff, withdrawing and superseding, the portal, the feed, adoption."""

from __future__ import annotations

import re

import feedparser
import pytest
from sqlalchemy import select

from tests.conftest import page_text
from thinktank.accounts.roles import Role
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.extensions import db
from thinktank.recommendations.models import Adoption, Recommendation, RecommendationVersion, Status


def _titles(response) -> list[str]:
    return re.findall(
        r'<h3><a href="/recommendations/\d+-[^"]*">([^<]+)</a></h3>',
        response.get_data(as_text=True),
    )


def _edit(client, recommendation, **changes):
    data = {
        "title": recommendation.title,
        "summary": recommendation.summary,
        "body": recommendation.body,
    }
    return client.post(f"/recommendations/{recommendation.id}/edit", data=data | changes)


def test_publishing_makes_version_one_and_moves_the_case(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("review")
    response = client_as(secretariat).post(f"/recommendations/{recommendation.id}/publish", data={})
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(Recommendation, recommendation.id)
        assert (stored.status, stored.current_version) == (Status.PUBLISHED, 1)
        assert stored.first_published_at is not None
        assert db.session.get(Case, stored.case_id).state == CaseState.RECOMMENDED
    page = client_as(None).get(f"/recommendations/{recommendation.id}")
    text = page_text(page)
    assert "Version 1" in text and "Gældende" in text and "Brug kun rådgivende modeller" in text
    assert (
        client_as(None)
        .get(f"/recommendations/{recommendation.id}-brug-kun-raadgivende-modeller")
        .status_code
        == 200
    )
    assert "Der blev udgivet en anbefaling" in page_text(client_as(None).get("/log"))


def test_a_draft_must_be_reviewed_before_publishing(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("draft")
    response = client_as(secretariat).post(f"/recommendations/{recommendation.id}/publish", data={})
    assert response.status_code == 409
    assert "Send udkastet i medlemshøring" in page_text(response)


@pytest.mark.parametrize("who", ["anonymous", "reader", "member"])
def test_only_the_secretariat_publishes(app, role_clients, make_recommendation, who):
    recommendation = make_recommendation("review")
    response = role_clients[who].post(f"/recommendations/{recommendation.id}/publish", data={})
    expected = {"anonymous": 302, "reader": 403, "member": 403}[who]
    assert response.status_code == expected
    with app.app_context():
        assert db.session.get(Recommendation, recommendation.id).current_version == 0


def test_second_version_needs_a_change_note_and_keeps_the_first(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("published")
    staff = client_as(secretariat)
    _edit(
        staff,
        recommendation,
        summary="Kommunerne bør kun bruge modeller, der rådgiver, og altid forklare dem.",
    )
    refused = staff.post(
        f"/recommendations/{recommendation.id}/publish",
        data={"change_note": ""},
        follow_redirects=True,
    )
    assert "Skriv, hvad der er ændret i denne version." in page_text(refused)
    staff.post(
        f"/recommendations/{recommendation.id}/publish",
        data={"change_note": "Tilføjet krav om forklaring."},
    )
    with app.app_context():
        numbers = db.session.scalars(
            select(RecommendationVersion.number).order_by(RecommendationVersion.number)
        ).all()
        assert numbers == [1, 2]
    anonymous = client_as(None)
    assert "altid forklare dem" in page_text(anonymous.get(f"/recommendations/{recommendation.id}"))
    old = anonymous.get(f"/recommendations/{recommendation.id}/v1")
    assert "altid forklare" not in page_text(old).split("Versioner")[0]
    assert "Dette er en ældre version. Læs den gældende version 2." in page_text(old)
    assert "Tilføjet krav om forklaring." in page_text(old)  # the version list shows every note
    assert anonymous.get(f"/recommendations/{recommendation.id}/v3").status_code == 404


def test_publishing_again_without_changes_is_refused(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("published")
    response = client_as(secretariat).post(
        f"/recommendations/{recommendation.id}/publish", data={"change_note": "Intet"}
    )
    assert response.status_code == 409 and "Intet er ændret siden version 1." in page_text(response)


def test_old_versions_stay_unchanged(app, client_as, secretariat, make_recommendation):
    recommendation = make_recommendation("published", body="Første tekst.")
    staff = client_as(secretariat)
    _edit(staff, recommendation, body="Anden tekst.")
    staff.post(f"/recommendations/{recommendation.id}/publish", data={"change_note": "Ny tekst"})
    with app.app_context():
        first = db.session.scalar(
            select(RecommendationVersion).where(RecommendationVersion.number == 1)
        )
        assert first.body == "Første tekst." and first.body_html == "<p>Første tekst.</p>"
    assert "Første tekst." in page_text(
        client_as(None).get(f"/recommendations/{recommendation.id}/v1")
    )


def test_diff_page_shows_what_changed(client_as, secretariat, make_recommendation):
    recommendation = make_recommendation("published", body="Brug modeller med omtanke.")
    staff = client_as(secretariat)
    _edit(
        staff,
        recommendation,
        body="Brug kun rådgivende modeller med omtanke.",
        summary="Nyt resumé.",
    )
    staff.post(f"/recommendations/{recommendation.id}/publish", data={"change_note": "Skærpet"})
    response = client_as(None).get(f"/recommendations/{recommendation.id}/diff?from=1&to=2")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Brug<ins> kun rådgivende</ins> modeller med omtanke." in html
    # A rewritten sentence reads as one deletion and one insertion, not a word-by-word mix.
    assert (
        "<del>Kommunerne bør kun bruge modeller, der rådgiver.</del><ins>Nyt resumé.</ins>" in html
    )
    assert "Skærpet" in html
    assert client_as(None).get(f"/recommendations/{recommendation.id}/diff").status_code == 200
    assert (
        client_as(None).get(f"/recommendations/{recommendation.id}/diff?from=1&to=1").status_code
        == 404
    )


def test_withdrawing_keeps_the_text_readable(app, client_as, secretariat, make_recommendation):
    recommendation = make_recommendation("published")
    staff = client_as(secretariat)
    refused = staff.post(
        f"/recommendations/{recommendation.id}/withdraw", data={"reason": ""}, follow_redirects=True
    )
    assert "Skriv, hvorfor anbefalingen trækkes tilbage." in page_text(refused)
    staff.post(
        f"/recommendations/{recommendation.id}/withdraw",
        data={"reason": "AI-forordningen har ændret grundlaget."},
    )
    text = page_text(client_as(None).get(f"/recommendations/{recommendation.id}"))
    assert (
        "Denne anbefaling blev trukket tilbage" in text
        and "AI-forordningen har ændret grundlaget." in text
    )
    assert "Brug kun rådgivende modeller" in text
    assert "Trukket tilbage" in page_text(client_as(None).get("/recommendations/"))


def test_superseding_links_both_ways(app, client_as, secretariat, make_recommendation):
    old = make_recommendation("published", title="Gammel anbefaling")
    new = make_recommendation("published", title="Ny anbefaling")
    client_as(secretariat).post(f"/recommendations/{old.id}/supersede", data={"by": str(new.id)})
    old_page = client_as(None).get(f"/recommendations/{old.id}").get_data(as_text=True)
    assert "Afløst af" in old_page and f'href="/recommendations/{new.id}-ny-anbefaling"' in old_page
    new_page = client_as(None).get(f"/recommendations/{new.id}").get_data(as_text=True)
    assert (
        "Denne anbefaling afløser:" in new_page
        and f'href="/recommendations/{old.id}-gammel-anbefaling"' in new_page
    )
    refused = client_as(secretariat).post(
        f"/recommendations/{old.id}/supersede", data={"by": str(old.id)}, follow_redirects=True
    )
    assert "Vælg en anden udgivet anbefaling." in page_text(refused)


def test_portal_filters_and_paginates(make_app, make_case, make_recommendation):
    app = make_app(PER_PAGE=2)
    for n in range(3):
        make_recommendation(
            "published",
            title=f"Beskæftigelse {n}",
            case=make_case(state="closed", domain="employment"),
        )
    make_recommendation(
        "published",
        title="Ældre",
        case=make_case(state="closed", domain="elderly_care", algorithm_role="deciding"),
    )
    make_recommendation(
        "review", title="Udkast", case=make_case(state="closed", domain="employment")
    )
    client = app.test_client()
    first = client.get("/recommendations/?domain=employment")
    assert "3 anbefalinger" in page_text(first) and "Side 1 af 2" in page_text(first)
    assert _titles(first) == ["Beskæftigelse 2", "Beskæftigelse 1"]
    assert _titles(client.get("/recommendations/?domain=employment&page=2")) == ["Beskæftigelse 0"]
    assert _titles(client.get("/recommendations/?role=deciding")) == ["Ældre"]
    assert len(_titles(client.get("/recommendations/?domain=nonsense"))) == 2  # first page of 4


def test_feed_is_valid_atom_with_an_entry_per_version(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("published", title="Chatbots i borgerservice")
    staff = client_as(secretariat)
    _edit(staff, recommendation, summary="Et nyt resumé.")
    staff.post(f"/recommendations/{recommendation.id}/publish", data={"change_note": "Nyt resumé"})
    make_recommendation("review", title="Ikke udgivet")
    response = client_as(None).get("/feeds/recommendations.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo and feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [
        "Chatbots i borgerservice (version 2)",
        "Chatbots i borgerservice (version 1)",
    ]
    assert feed.entries[0].link == f"http://localhost/recommendations/{recommendation.id}/v2"
    assert feed.entries[0].summary.startswith("Et nyt resumé.")
    assert feed.feed.title == "Anbefalinger fra KL's tænketank"


def test_adoption_once_per_municipality(app, client_as, make_user, make_recommendation):
    from thinktank.models import utcnow

    def municipal(email):  # an invited account: its address is proven
        return client_as(make_user(Role.READER, email=email, email_verified_at=utcnow()))

    recommendation = make_recommendation("published")
    reader = municipal("jobcenter@aarhus.dk")
    reader.post(
        f"/recommendations/{recommendation.id}/adopt",
        data={"municipality": "751", "note": "Bruges i jobcentret"},
    )
    again = municipal("it@aarhus.dk").post(
        f"/recommendations/{recommendation.id}/adopt",
        data={"municipality": "751"},
        follow_redirects=True,
    )
    assert "Aarhus Kommune er allerede registreret" in page_text(again)
    bad = reader.post(
        f"/recommendations/{recommendation.id}/adopt",
        data={"municipality": "999"},
        follow_redirects=True,
    )
    assert "Ikke et gyldigt valg." in page_text(bad) or "Vælg en kommune på listen." in page_text(
        bad
    )
    municipal("digitalisering@kk.dk").post(
        f"/recommendations/{recommendation.id}/adopt", data={"municipality": "101"}
    )
    text = page_text(client_as(None).get(f"/recommendations/{recommendation.id}"))
    assert "2 kommuner bruger denne anbefaling:" in text
    assert "Aarhus Kommune: Bruges i jobcentret" in text and "Københavns Kommune" in text
    assert (
        client_as(None)
        .post(f"/recommendations/{recommendation.id}/adopt", data={"municipality": "461"})
        .status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Adoption)) == 2


def test_no_adoption_of_drafts_or_withdrawn(app, client_as, make_user, make_recommendation):
    reader = client_as(make_user(Role.READER))
    for status in ("review", "withdrawn"):
        recommendation = make_recommendation(status, title=f"Status {status}")
        assert reader.post(
            f"/recommendations/{recommendation.id}/adopt", data={"municipality": "751"}
        ).status_code in (403, 404)


def test_portal_and_page_run_a_fixed_number_of_queries(
    app, client_as, secretariat, make_user, make_recommendation, count_queries
):
    anonymous = client_as(None)
    small = make_recommendation("published", title="Lille")
    big = make_recommendation("published", title="Stor")
    staff = client_as(secretariat)
    for n in range(4):
        _edit(staff, big, summary=f"Resumé {n}")
        staff.post(f"/recommendations/{big.id}/publish", data={"change_note": f"Ændring {n}"})
    for code in ("101", "751", "461", "851", "147"):
        client_as(make_user(Role.READER)).post(
            f"/recommendations/{big.id}/adopt", data={"municipality": code}
        )
    with count_queries() as few:
        anonymous.get(f"/recommendations/{small.id}")
    with count_queries() as many:
        anonymous.get(f"/recommendations/{big.id}")
    assert few.count == many.count, str(many)
    with count_queries() as portal_few:
        anonymous.get("/recommendations/")
    for n in range(6):
        make_recommendation("published", title=f"Flere {n}")
    with count_queries() as portal_many:
        anonymous.get("/recommendations/")
    assert portal_few.count == portal_many.count


def test_page_queries_do_not_grow_with_ballots_and_citations(
    app,
    client_as,
    make_user,
    secretariat,
    make_vote_case,
    make_comment,
    make_recommendation,
    count_queries,
):
    from tests.conftest import cast
    from thinktank.cases.models import Case

    def closed_case_with(voters: int, comments: int):
        vote = make_vote_case(visibility="public")
        with app.app_context():
            case = db.session.get(Case, vote.id)
            db.session.expunge(case)
        cited = [make_comment(case, secretariat, f"Argument {n}").id for n in range(comments)]
        for n in range(voters):
            cast(client_as(make_user(Role.MEMBER)), vote.id, vote.positions[n % 2], f"Grund {n}")
        client_as(secretariat).post(f"/cases/{vote.id}/transition", data={"move": "close_voting"})
        return make_recommendation(
            "published", case=case, title=f"Anbefaling {voters}", citations=cited
        )

    small, big = closed_case_with(1, 1), closed_case_with(25, 8)
    anonymous = client_as(None)
    with count_queries() as few:
        anonymous.get(f"/recommendations/{small.id}")
    with count_queries() as many:
        response = anonymous.get(f"/recommendations/{big.id}")
    assert "Grund 24" in page_text(response) and "Argument 7" in page_text(response)
    assert few.count == many.count, str(many)


def test_portal_and_page_say_when_a_recommendation_is_due_for_review(
    client_as, make_recommendation
):
    from datetime import date

    stale = make_recommendation("published", title="Forældet", review_by=date(2020, 1, 1))
    fresh = make_recommendation("published", title="Frisk", review_by=date(2099, 1, 1))
    portal = client_as(None).get("/recommendations/").get_data(as_text=True)
    stale_card = portal.split(">Forældet<")[1].split("</li>")[0]
    fresh_card = portal.split(">Frisk<")[1].split("</li>")[0]
    assert "Skal revurderes" in stale_card and "Skal revurderes" not in fresh_card
    assert "Skulle have været revurderet" in page_text(
        client_as(None).get(f"/recommendations/{stale.id}")
    )
    assert "Skal revurderes senest" in page_text(
        client_as(None).get(f"/recommendations/{fresh.id}")
    )


def test_public_log_links_to_the_published_recommendation(client_as, make_recommendation):
    recommendation = make_recommendation("published")
    html = client_as(None).get("/log").get_data(as_text=True)
    assert f'href="/recommendations/{recommendation.id}"' in html


def test_adoption_errors_keep_the_note(client_as, make_user, make_recommendation):
    recommendation = make_recommendation("published")
    client_as(make_user(Role.READER)).post(
        f"/recommendations/{recommendation.id}/adopt", data={"municipality": "751"}
    )
    response = client_as(make_user(Role.READER)).post(
        f"/recommendations/{recommendation.id}/adopt",
        data={"municipality": "751", "note": "Vi bruger den i borgerservice"},
    )
    assert response.status_code == 400
    assert "Aarhus Kommune er allerede registreret" in page_text(response)
    assert "Vi bruger den i borgerservice" in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_diff_page_compares_readable_text_not_markdown(client_as, secretariat, make_recommendation):
    recommendation = make_recommendation(
        "published", body="## Anbefaling\n\nBrug **kun** rådgivende modeller."
    )
    staff = client_as(secretariat)
    _edit(staff, recommendation, body="## Anbefaling\n\nBrug **altid** rådgivende modeller.")
    staff.post(f"/recommendations/{recommendation.id}/publish", data={"change_note": "Skærpet"})

    html = client_as(None).get(f"/recommendations/{recommendation.id}/diff?from=1&to=2")
    body = html.get_data(as_text=True)

    assert "Anbefaling\n\nBrug <del>kun</del><ins>altid</ins> rådgivende modeller." in body
    assert "**" not in body and "##" not in body
