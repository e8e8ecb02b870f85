"""Drafting from a closed case, member review, minority opinions and co-signing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import assert_page_safe, page_text
from tests.test_markup import HOSTILE
from thinktank.accounts.roles import Role
from thinktank.extensions import db
from thinktank.recommendations.models import (
    Citation,
    Cosignature,
    MinorityOpinion,
    Recommendation,
    Response,
    ReviewResponse,
    Status,
)
from thinktank.transaction import transaction

DRAFT = {
    "title": "Brug kun rådgivende modeller",
    "summary": "Kort resumé.",
    "body": "Tekst **her**.",
}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_secretariat_drafts_for_a_closed_case_with_citations(
    app, client_as, secretariat, member, make_case, make_comment
):
    case = make_case(
        state="open",
        visibility="public",
        domain="citizen_service",
        technology="chatbot_generative_ai",
    )
    argument = make_comment(case, member, "Borgeren skal altid kunne nå et menneske.")
    with app.app_context():
        from thinktank.cases.models import Case

        db.session.get(Case, case.id).state = "closed"
        db.session.commit()
    client = client_as(secretariat)
    form = client.get(f"/cases/{case.id}/recommendation")
    assert "Borgeren skal altid kunne nå et menneske." in page_text(form)
    response = client.post(
        f"/cases/{case.id}/recommendation",
        data=DRAFT | {"citations": [str(argument.id)], "review_by": "2027-06-01"},
    )
    assert response.status_code == 302
    with app.app_context():
        recommendation = db.session.scalar(select(Recommendation))
        assert recommendation.status == Status.DRAFT and recommendation.case_id == case.id
        assert recommendation.domain.value == "citizen_service"
        assert recommendation.technology.value == "chatbot_generative_ai"
        assert recommendation.body_html == "<p>Tekst <strong>her</strong>.</p>"
        assert str(recommendation.review_by) == "2027-06-01"
        assert db.session.scalar(select(Citation.comment_id)) == argument.id


@pytest.mark.parametrize("state", ["draft", "open", "voting", "recommended", "archived"])
def test_only_closed_cases_get_a_recommendation(app, client_as, secretariat, make_case, state):
    case = make_case(state=state, visibility="public")
    before = _count(app, Recommendation)  # a recommended case has its published one
    response = client_as(secretariat).post(f"/cases/{case.id}/recommendation", data=DRAFT)
    assert response.status_code == 409
    assert "når sagens afstemning er lukket" in page_text(response)
    assert _count(app, Recommendation) == before


@pytest.mark.parametrize("who", ["anonymous", "reader", "member"])
def test_only_the_secretariat_drafts(app, role_clients, make_case, who):
    case = make_case(state="closed", visibility="public")
    response = role_clients[who].post(f"/cases/{case.id}/recommendation", data=DRAFT)
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert _count(app, Recommendation) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Dette felt skal udfyldes."),
        ({"summary": "x" * 601}, "Højst 600 tegn."),
        ({"body": ""}, "Dette felt skal udfyldes."),
        ({"review_by": "i morgen"}, "Ikke en gyldig dato."),
    ],
)
def test_draft_validation_keeps_what_was_typed(
    app, client_as, secretariat, make_case, changes, message
):
    case = make_case(state="closed")
    response = client_as(secretariat).post(f"/cases/{case.id}/recommendation", data=DRAFT | changes)
    assert response.status_code == 200 and message in page_text(response)
    assert DRAFT["summary"] in response.get_data(as_text=True) or "summary" in changes
    assert _count(app, Recommendation) == 0


def test_citing_a_comment_of_another_case_is_refused(
    app, client_as, secretariat, member, make_case, make_comment
):
    elsewhere = make_comment(make_case(state="open"), member, "Andet sted")
    case = make_case(state="closed")
    response = client_as(secretariat).post(
        f"/cases/{case.id}/recommendation", data=DRAFT | {"citations": [str(elsewhere.id)]}
    )
    assert "Kun kommentarer fra sagens drøftelse kan citeres." in page_text(response)


def test_drafts_are_for_members_and_the_secretariat(role_clients, make_recommendation):
    recommendation = make_recommendation("review")
    for who, expected in {
        "anonymous": 302,
        "reader": 404,
        "member": 200,
        "secretariat": 200,
        "admin": 200,
    }.items():
        response = role_clients[who].get(f"/recommendations/{recommendation.id}/draft")
        assert response.status_code in ((expected,) if expected != 404 else (403, 404)), who
        listing = role_clients[who].get("/recommendations/drafts")
        assert (recommendation.title in page_text(listing)) == (expected == 200), who
    assert role_clients["anonymous"].get(f"/recommendations/{recommendation.id}").status_code == 302
    assert recommendation.title not in page_text(role_clients["anonymous"].get("/recommendations/"))


def test_review_consent_and_objection_once_per_member(
    app, client_as, make_user, make_recommendation
):
    recommendation = make_recommendation("review")
    first, second = make_user(Role.MEMBER), make_user(Role.MEMBER)
    url = f"/recommendations/{recommendation.id}/respond"
    client_as(first).post(url, data={"response": "consent"})
    objection = client_as(second).post(
        url, data={"response": "objection", "reason": ""}, follow_redirects=True
    )
    assert "Skriv, hvorfor du gør indsigelse." in page_text(objection)
    client_as(second).post(
        url, data={"response": "objection", "reason": "Modellen er for usikker."}
    )
    client_as(first).post(url, data={"response": "objection", "reason": "Jeg har ombestemt mig."})
    with app.app_context():
        answers = db.session.scalars(
            select(ReviewResponse).order_by(ReviewResponse.member_id)
        ).all()
        assert [(a.member_id, a.response) for a in answers] == [
            (first.id, Response.OBJECTION),
            (second.id, Response.OBJECTION),
        ]
    overview = page_text(client_as(first).get(f"/recommendations/{recommendation.id}/draft"))
    assert "0 tilslutninger" in overview and "2 indsigelser" in overview
    assert "Modellen er for usikker." in overview


def test_review_is_refused_outside_review_and_for_readers(
    app, client_as, make_user, make_recommendation
):
    draft = make_recommendation("draft")
    published = make_recommendation("published", title="En anden")
    member = client_as(make_user(Role.MEMBER))
    for recommendation in (draft, published):
        assert (
            member.post(
                f"/recommendations/{recommendation.id}/respond", data={"response": "consent"}
            ).status_code
            == 403
        )
    review = make_recommendation("review", title="Tredje")
    assert client_as(make_user(Role.READER)).post(
        f"/recommendations/{review.id}/respond", data={"response": "consent"}
    ).status_code in (403, 404)
    assert _count(app, ReviewResponse) == 0


def test_minority_opinion_and_cosigning(app, client_as, make_user, make_recommendation):
    recommendation = make_recommendation("review")
    author, cosigner = (
        make_user(Role.MEMBER, display_name="Sofie Lund"),
        make_user(Role.MEMBER, display_name="Jens Kristensen"),
    )
    client_as(author).post(
        f"/recommendations/{recommendation.id}/opinion",
        data={"body": "Vi mener, at **ingen** model bør bruges."},
    )
    client_as(author).post(
        f"/recommendations/{recommendation.id}/opinion",
        data={"body": "Vi mener, at **ingen** model bør bruges endnu."},
    )
    with app.app_context():
        opinion = db.session.scalars(select(MinorityOpinion)).one()
        assert opinion.body.endswith("endnu.")
    assert (
        client_as(author)
        .post(f"/recommendations/opinions/{opinion.id}/cosign", data={}, follow_redirects=True)
        .status_code
        == 200
    )
    client_as(cosigner).post(f"/recommendations/opinions/{opinion.id}/cosign", data={})
    again = client_as(cosigner).post(
        f"/recommendations/opinions/{opinion.id}/cosign", data={}, follow_redirects=True
    )
    assert "Du har allerede medunderskrevet" in page_text(again)
    with app.app_context():
        assert db.session.scalars(select(Cosignature.member_id)).all() == [cosigner.id]
    text = page_text(client_as(cosigner).get(f"/recommendations/{recommendation.id}/draft"))
    assert "Underskrevet af Sofie Lund, Jens Kristensen" in text
    assert "1 mindretalsudtalelse" in text


def test_review_discussion_uses_the_discussion_component(
    app, client_as, make_user, make_recommendation
):
    recommendation = make_recommendation("review")
    member = make_user(Role.MEMBER)
    response = client_as(member).post(
        f"/discussions/recommendation/{recommendation.id}/comments", data={"body": "Godt udkast."}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/recommendations/{recommendation.id}/draft#c")
    assert "Godt udkast." in page_text(
        client_as(member).get(f"/recommendations/{recommendation.id}/draft")
    )
    reader = client_as(make_user(Role.READER))
    assert (
        reader.post(
            f"/discussions/recommendation/{recommendation.id}/comments", data={"body": "Hej"}
        ).status_code
        == 403
    )
    draft_only = make_recommendation("draft", title="Kladde")
    assert (
        client_as(member)
        .post(f"/discussions/recommendation/{draft_only.id}/comments", data={"body": "For tidligt"})
        .status_code
        == 409
    )


@pytest.mark.parametrize("hostile", list(HOSTILE.values())[::6])
def test_hostile_markdown_in_every_new_text_field(
    app, client_as, make_user, secretariat, make_case, hostile
):
    case = make_case(state="closed", visibility="public")
    staff = client_as(secretariat)
    staff.post(
        f"/cases/{case.id}/recommendation",
        data={"title": "T", "summary": hostile[:600], "body": hostile},
    )
    with app.app_context():
        recommendation_id = db.session.scalar(select(Recommendation.id))
    staff.post(f"/recommendations/{recommendation_id}/review", data={"deadline": "2099-01-01"})
    member = client_as(make_user(Role.MEMBER))
    member.post(
        f"/recommendations/{recommendation_id}/respond",
        data={"response": "objection", "reason": hostile},
    )
    member.post(f"/recommendations/{recommendation_id}/opinion", data={"body": hostile})
    member.post(f"/discussions/recommendation/{recommendation_id}/comments", data={"body": hostile})
    assert_page_safe(
        staff.get(f"/recommendations/{recommendation_id}/draft").get_data(as_text=True)
    )
    published = staff.post(
        f"/recommendations/{recommendation_id}/publish", data={"reason": hostile[:2000]}
    )
    assert published.status_code == 302
    public = client_as(None)
    assert_page_safe(public.get(f"/recommendations/{recommendation_id}").get_data(as_text=True))
    assert_page_safe(public.get("/recommendations/").get_data(as_text=True))
    assert_page_safe(public.get("/log").get_data(as_text=True))
    feed = public.get("/feeds/recommendations.atom").get_data(as_text=True)
    assert "<script" not in feed and "<iframe" not in feed


def test_review_forms_keep_what_was_typed_on_errors(app, client_as, make_user, make_recommendation):
    recommendation = make_recommendation("review")
    member = client_as(make_user(Role.MEMBER))
    long_opinion = "Vi er uenige. " * 800  # over 10,000 characters
    response = member.post(
        f"/recommendations/{recommendation.id}/opinion", data={"body": long_opinion}
    )
    assert response.status_code == 400
    assert "Højst 10.000 tegn." in page_text(response)
    assert long_opinion.strip() in response.get_data(as_text=True)
    response = member.post(
        f"/recommendations/{recommendation.id}/respond",
        data={"response": "objection", "reason": ""},
    )
    assert response.status_code == 400
    assert "Skriv, hvorfor du gør indsigelse." in page_text(response)
    assert 'value="objection" checked' in response.get_data(
        as_text=True
    ) or 'checked id="response-1"' in response.get_data(as_text=True)
    too_long = member.post(
        f"/recommendations/{recommendation.id}/respond",
        data={"response": "objection", "reason": "x" * 5001},
    )
    assert too_long.status_code == 400 and "Højst 5.000 tegn." in page_text(too_long)
    assert _count(app, MinorityOpinion) == 0 and _count(app, ReviewResponse) == 0


def test_readers_never_see_the_working_copy_through_a_failed_form(
    client_as, make_user, secretariat, make_recommendation
):
    recommendation = make_recommendation("published")
    client_as(secretariat).post(
        f"/recommendations/{recommendation.id}/edit",
        data={
            "title": recommendation.title,
            "summary": "Hemmeligt nyt resumé",
            "body": recommendation.body,
        },
    )
    reader = client_as(make_user(Role.READER))
    response = reader.post(f"/recommendations/{recommendation.id}/respond", data={})
    assert response.status_code == 403
    assert "Hemmeligt nyt resumé" not in response.get_data(as_text=True)


def test_draft_form_has_the_formatting_help_and_a_preview_that_saves_nothing(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation()
    client = client_as(secretariat)
    form = client.get(f"/recommendations/{recommendation.id}/edit").get_data(as_text=True)
    assert "<summary>Formatering</summary>" in form and ">Forhåndsvis</button>" in form
    assert "@[Sofie Lund]" not in form  # mentions only work in the discussion

    response = client.post(
        f"/recommendations/{recommendation.id}/edit",
        data=DRAFT | {"body": "Punkter:\n- data\n- etik", "action": "preview"},
    )
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Forhåndsvisning" in html and "<p>Punkter:</p>\n<ul>\n<li>data</li>" in html
    assert "\nPunkter:\n- data\n- etik</textarea>" in html
    with app.app_context():
        assert db.session.get(Recommendation, recommendation.id).body.startswith("## Anbefaling")


def test_new_draft_can_be_previewed_before_it_exists(app, client_as, secretariat, make_case):
    case = make_case(state="closed", visibility="public")
    response = client_as(secretariat).post(
        f"/cases/{case.id}/recommendation", data=DRAFT | {"action": "preview"}
    )

    assert response.status_code == 200 and "Forhåndsvisning" in page_text(response)
    assert _count(app, Recommendation) == 0


def test_minority_opinion_preview_shows_it_and_saves_nothing(
    app, client_as, make_user, make_recommendation
):
    recommendation = make_recommendation("review")
    author = make_user(Role.MEMBER)
    response = client_as(author).post(
        f"/recommendations/{recommendation.id}/opinion",
        data={"body": "Vi mener:\n1) ingen model\n2) ingen profilering", "action": "preview"},
    )
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<ol>\n<li>ingen model</li>\n<li>ingen profilering</li>\n</ol>" in html
    assert "\nVi mener:\n1) ingen model\n2) ingen profilering</textarea>" in html
    assert _count(app, MinorityOpinion) == 0


def test_reader_cannot_preview_a_minority_opinion(client_as, make_user, make_recommendation):
    recommendation = make_recommendation("review")
    response = client_as(make_user(Role.READER)).post(
        f"/recommendations/{recommendation.id}/opinion", data={"body": "x", "action": "preview"}
    )

    assert response.status_code in (403, 404)


def test_citation_picker_shows_readable_text_not_markdown(
    app, client_as, secretariat, member, make_case, make_comment
):
    case = make_case(state="open", visibility="public")
    make_comment(case, member, "## Vigtigt\n\n**Borgeren** skal [altid](https://kl.dk) høres.")
    with app.app_context():
        from thinktank.cases.models import Case

        db.session.get(Case, case.id).state = "closed"
        db.session.commit()

    form = page_text(client_as(secretariat).get(f"/cases/{case.id}/recommendation"))

    assert "Vigtigt Borgeren skal altid høres." in form
    assert "**Borgeren**" not in form and "## Vigtigt" not in form


# --- a removed comment is never cited ------------------------------------------------------


def _closed_case_with_comments(app, make_case, make_comment, author):
    from thinktank.cases.models import Case

    case = make_case(state="open", visibility="public")
    kept = make_comment(case, author, "Borgeren skal altid kunne nå et menneske.")
    removed = make_comment(case, author, "Fjernet fordi den nævnte en borger ved navn.")
    with app.app_context():
        db.session.get(Case, case.id).state = "closed"
        db.session.commit()
    return case, kept, removed


def _remove(app, secretariat, comment):
    from thinktank.accounts.models import User
    from thinktank.discussion import service as discussion

    with app.test_request_context("/"), transaction():
        discussion.remove(db.session.get(User, secretariat.id), comment.id, "Personoplysninger")


def test_a_removed_comment_is_neither_offered_nor_accepted_as_a_citation(
    app, client_as, secretariat, member, make_case, make_comment
):
    case, kept, removed = _closed_case_with_comments(app, make_case, make_comment, member)
    _remove(app, secretariat, removed)
    client = client_as(secretariat)
    form = client.get(f"/cases/{case.id}/recommendation").get_data(as_text=True)
    assert f'value="{kept.id}"' in form and f'value="{removed.id}"' not in form
    response = client.post(
        f"/cases/{case.id}/recommendation",
        data=DRAFT | {"citations": [str(kept.id), str(removed.id)]},
    )
    assert response.status_code == 200
    assert "Kun kommentarer fra sagens drøftelse kan citeres." in page_text(response)
    assert _count(app, Recommendation) == 0 and _count(app, Citation) == 0


def test_a_cited_comment_removed_later_drops_out_of_the_draft_and_the_publication(
    app, client_as, secretariat, member, make_case, make_comment, make_recommendation
):
    from datetime import timedelta

    from thinktank.accounts.models import User
    from thinktank.models import local_today
    from thinktank.recommendations import service
    from thinktank.recommendations.models import RecommendationVersion

    case, kept, removed = _closed_case_with_comments(app, make_case, make_comment, member)
    draft = make_recommendation("draft", case=case, citations=[kept.id, removed.id])
    _remove(app, secretariat, removed)
    page = page_text(client_as(secretariat).get(f"/recommendations/{draft.id}/draft"))
    assert "Borgeren skal altid kunne nå et menneske." in page
    assert "nævnte en borger" not in page
    with app.test_request_context("/"):
        staff = db.session.get(User, secretariat.id)
        recommendation = db.session.get(Recommendation, draft.id)
        deadline = service.default_review_deadline()
        with transaction():
            service.send_to_review(staff, recommendation, deadline=deadline)
            recommendation.review_deadline = local_today() - timedelta(days=1)
        with transaction():
            service.publish(staff, recommendation)
        version = db.session.scalar(select(RecommendationVersion))
        assert [cited["comment_id"] for cited in version.citations] == [kept.id]
    public = page_text(client_as(None).get(f"/recommendations/{draft.id}"))
    assert "Borgeren skal altid kunne nå et menneske." in public
    assert "nævnte en borger" not in public
