"""seed-demo's recommendations: one published in two versions with a minority opinion,
citations and adoptions; one draft in member review; a story told in order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tests.conftest import page_text
from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState
from thinktank.demo import CHATBOT, CHATBOT_RECOMMENDATION, DAYCARE_SUBSIDY
from thinktank.discussion.models import Comment, Discussion
from thinktank.extensions import db
from thinktank.recommendations.models import (
    Adoption,
    Citation,
    Cosignature,
    MinorityOpinion,
    Recommendation,
    RecommendationVersion,
    Response,
    ReviewResponse,
    Status,
)
from thinktank.voting.models import VoteResult

CHATBOT_TITLE = CHATBOT_RECOMMENDATION.draft.title


def _detached(app, statement):
    with app.app_context():
        found = db.session.scalars(statement).all()
        db.session.expunge_all()
    return found


def _case(app, demo) -> Case:
    statement = (
        select(Case).where(Case.title == demo.content.title).options(selectinload(Case.transitions))
    )
    return _detached(app, statement)[0]


def _recommendation(app, demo) -> Recommendation:
    statement = select(Recommendation).join(Case).where(Case.title == demo.content.title)
    return _detached(app, statement)[0]


def _versions(app, recommendation) -> list[RecommendationVersion]:
    return _detached(
        app,
        select(RecommendationVersion)
        .where(RecommendationVersion.recommendation_id == recommendation.id)
        .order_by(RecommendationVersion.number),
    )


def _user(app, email: str) -> User:
    return _detached(app, select(User).where(User.email == email))[0]


def _comment_ids_of(app, case) -> set[int]:
    return set(
        _detached(
            app,
            select(Comment.id)
            .join(Discussion, Discussion.id == Comment.discussion_id)
            .where(Discussion.subject_type == "case", Discussion.subject_id == case.id),
        )
    )


def test_seed_demo_publishes_the_chatbot_recommendation_in_two_versions(app, seeded):
    assert "2 demo recommendations created." in seeded
    recommendation = _recommendation(app, CHATBOT)
    first, second = _versions(app, recommendation)
    assert (recommendation.status, recommendation.current_version) == (Status.PUBLISHED, 2)
    assert (first.number, first.change_note) == (1, "")
    assert second.number == 2 and "kontrakten" in second.change_note
    assert "Skriv kravene ind i kontrakten" in second.body
    assert "Skriv kravene ind i kontrakten" not in first.body
    assert second.summary != first.summary and len(second.summary) <= 600
    assert "Anbefalinger til kommunerne</h" in second.body_html and "<ul>" in second.body_html
    assert first.published_at < second.published_at
    assert _case(app, CHATBOT).state == CaseState.RECOMMENDED  # publishing moved it


def test_the_second_chatbot_version_has_an_easy_read_version_with_its_lix(app, seeded, client):
    recommendation = _recommendation(app, CHATBOT)
    first, second = _versions(app, recommendation)
    assert first.easy_read == "" and "<h" in second.easy_read_html
    assert "Kort sagt" in second.easy_read and second.easy_read == recommendation.easy_read
    text = page_text(client.get(f"/recommendations/{recommendation.id}"))
    assert "Letlæst udgave" in text and "Kort sagt" in text
    assert "LIX af den letlæste udgave: 23 (Meget let)" in text


def test_published_versions_keep_the_minority_opinion_and_cite_the_cases_comments(app, seeded):
    recommendation = _recommendation(app, CHATBOT)
    comment_ids = _comment_ids_of(app, _case(app, CHATBOT))
    for version in _versions(app, recommendation):
        (opinion,) = version.minority_opinions
        assert opinion["author"] == "Sofie Lund" and "<strong>ret</strong>" in opinion["body_html"]
        assert [signer["name"] for signer in opinion["signers"]] == ["Fatima Khalil"]
        assert len(version.citations) >= 2
        assert {citation["comment_id"] for citation in version.citations} <= comment_ids
    first, second = _versions(app, recommendation)
    assert len(second.citations) == len(first.citations) + 1


def test_anonymous_visitor_reads_the_recommendation_with_its_adoptions(app, seeded, client):
    recommendation = _recommendation(app, CHATBOT)
    page = page_text(client.get(f"/recommendations/{recommendation.id}"))
    assert recommendation.title in page and "Version 2" in page
    assert "Underskrevet af Sofie Lund" in page and "Fatima Khalil" in page
    assert "Tal med en medarbejder" in page
    assert "2 kommuner bruger denne anbefaling:" in page
    assert "Aarhus Kommune: Aarhus Kommune har flyttet knappen" in page
    assert "Viborg Kommune: Viborg Kommune bruger anbefalingen som kravspecifikation" in page
    assert "hvad er ændret" in page
    older = page_text(client.get(f"/recommendations/{recommendation.id}/v1"))
    assert "Version 1" in older and "Skriv kravene ind i kontrakten" not in older
    assert recommendation.title in page_text(client.get("/recommendations/"))


def test_the_two_adoptions_are_by_the_reader_from_viborg_and_the_member_from_aarhus(app, seeded):
    recommendation = _recommendation(app, CHATBOT)
    adoptions = _detached(
        app, select(Adoption).where(Adoption.recommendation_id == recommendation.id)
    )
    by_code = {adoption.municipality: adoption.user_id for adoption in adoptions}
    assert by_code == {
        "791": _user(app, "laeser@kl-demo.dk").id,
        "751": _user(app, "ekspert1@kl-demo.dk").id,
    }
    assert all(adoption.note for adoption in adoptions)


def test_the_diff_between_version_one_and_two_renders(app, seeded, client):
    recommendation = _recommendation(app, CHATBOT)
    response = client.get(f"/recommendations/{recommendation.id}/diff?from=1&to=2")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<ins" in html and "kontrakten" in page_text(response)


def test_the_daycare_draft_is_in_member_review_with_a_consent_and_an_objection(
    app, seeded, client_as, member
):
    recommendation = _recommendation(app, DAYCARE_SUBSIDY)
    assert recommendation.status == Status.REVIEW and recommendation.current_version == 0
    answers = _detached(
        app, select(ReviewResponse).where(ReviewResponse.recommendation_id == recommendation.id)
    )
    responses = {answer.response for answer in answers}
    assert responses == {Response.CONSENT, Response.OBJECTION}
    assert all(a.reason for a in answers if a.response == Response.OBJECTION)
    assert _case(app, DAYCARE_SUBSIDY).state == CaseState.CLOSED
    page = page_text(client_as(member).get(f"/recommendations/{recommendation.id}/draft"))
    assert recommendation.title in page
    assert "Indsigelser" in page and "Sofie Lund" in page and "Tilslutning fra: Anders Holm" in page
    assert "Varsl, før et krav sendes" in page


def test_the_draft_is_hidden_from_anonymous_visitors_and_readers(app, seeded, client_as, reader):
    recommendation = _recommendation(app, DAYCARE_SUBSIDY)
    show, draft = (
        f"/recommendations/{recommendation.id}",
        f"/recommendations/{recommendation.id}/draft",
    )
    anonymous = client_as(None)
    for url in (show, draft):
        assert anonymous.get(url).headers["Location"].startswith("/login?next=")
    for who in (reader, _user(app, "laeser@kl-demo.dk")):
        client = client_as(who)
        assert (client.get(show).status_code, client.get(draft).status_code) == (404, 403)
    for client in (anonymous, client_as(reader)):
        portal = page_text(client.get("/recommendations/"))
        assert recommendation.title not in portal and CHATBOT_TITLE in portal


def test_the_story_is_told_in_order(app, seeded):
    chatbot, daycare = _case(app, CHATBOT), _case(app, DAYCARE_SUBSIDY)
    moves = {step.action: step.created_at for step in chatbot.transitions}
    recommendation = _recommendation(app, CHATBOT)
    first, second = _versions(app, recommendation)
    assert moves["close_voting"] < recommendation.created_at < recommendation.review_started_at
    assert recommendation.review_started_at < first.published_at == moves["publish"]
    assert first.published_at == recommendation.first_published_at
    assert second.published_at == recommendation.last_published_at
    with app.app_context():
        frozen = db.session.get(VoteResult, chatbot.id)
        assert frozen.frozen_at == moves["close_voting"]
        assert frozen.snapshot["at"] == moves["close_voting"].isoformat()
        opinion = db.session.scalar(select(MinorityOpinion))
        signed = db.session.scalar(select(Cosignature.created_at))
    assert recommendation.review_started_at < opinion.created_at < signed < first.published_at
    adoptions = _detached(app, select(Adoption.created_at))
    assert all(first.published_at < adopted for adopted in adoptions)
    draft = _recommendation(app, DAYCARE_SUBSIDY)
    closed = {step.action: step.created_at for step in daycare.transitions}["close_voting"]
    assert closed < draft.created_at < draft.review_started_at


def test_running_seed_demo_twice_adds_no_recommendations(app, seeded):
    models = (
        Recommendation,
        RecommendationVersion,
        Citation,
        ReviewResponse,
        MinorityOpinion,
        Cosignature,
        Adoption,
    )

    def counts():
        with app.app_context():
            return [
                db.session.scalar(select(db.func.count()).select_from(model)) for model in models
            ]

    before = counts()
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "0 demo recommendations created." in again.output
    assert counts() == before and before[:2] == [2, 2]
