"""Member review has a deadline (høringsfrist); publishing before it, or over objections,
asks for a reason on a second page, and the public log keeps that reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.audit.models import AuditEvent
from thinktank.errors import ConfirmationRequired, ValidationFailed
from thinktank.extensions import db
from thinktank.models import local_today
from thinktank.recommendations import service
from thinktank.recommendations.models import Recommendation, Status
from thinktank.transaction import transaction

FUTURE = date(2099, 12, 16)


def _stored(app, recommendation_id) -> Recommendation:
    with app.app_context():
        stored = db.session.get(Recommendation, recommendation_id)
        db.session.expunge(stored)
        return stored


def _object(client_as, make_user, recommendation, reason="Modellen er for usikker."):
    return client_as(make_user(Role.MEMBER)).post(
        f"/recommendations/{recommendation.id}/respond",
        data={"response": "objection", "reason": reason},
    )


# --- the review deadline -------------------------------------------------------------------


def test_sending_to_review_offers_a_deadline_two_weeks_ahead(
    client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("draft")
    page = client_as(secretariat).get(f"/recommendations/{recommendation.id}/draft")
    html = page.get_data(as_text=True)
    default = (local_today() + timedelta(days=14)).isoformat()
    assert '<label class="label" for="deadline">Høringsfrist</label>' in html
    assert f'value="{default}"' in html
    assert "Den sidste dag, medlemmerne kan svare." in page_text(page)


def test_the_deadline_is_stored_shown_to_members_and_logged(
    app, client_as, secretariat, member, admin, make_recommendation
):
    recommendation = make_recommendation("draft")
    response = client_as(secretariat).post(
        f"/recommendations/{recommendation.id}/review", data={"deadline": FUTURE.isoformat()}
    )
    assert response.status_code == 302
    stored = _stored(app, recommendation.id)
    assert (stored.status, stored.review_deadline) == (Status.REVIEW, FUTURE)
    reviewer = client_as(member)
    assert "Høringsfrist: 16. december 2099" in page_text(
        reviewer.get(f"/recommendations/{recommendation.id}/draft")
    )
    assert "Høringsfrist: 16. december 2099" in page_text(reviewer.get("/recommendations/drafts"))
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "recommendation_review")
        )
        assert event.data["deadline"] == "2099-12-16"
    assert "Høringsfrist: 16. december 2099" in page_text(client_as(admin).get("/admin/audit"))


def test_a_passed_deadline_is_marked(client_as, member, make_recommendation):
    recommendation = make_recommendation("review", review_deadline=date(2026, 1, 5))
    page = page_text(client_as(member).get(f"/recommendations/{recommendation.id}/draft"))
    assert "Høringsfrist: 5. januar 2026 (udløbet)" in page


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        ("", "Vælg høringsfristen."),
        ("i morgen", "Ikke en gyldig dato."),
        ("2020-01-01", "Høringsfristen skal ligge efter i dag."),
    ],
)
def test_a_deadline_that_cannot_be_used_is_refused_in_the_form(
    app, client_as, secretariat, make_recommendation, deadline, message
):
    recommendation = make_recommendation("draft")
    response = client_as(secretariat).post(
        f"/recommendations/{recommendation.id}/review", data={"deadline": deadline}
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Ret venligst følgende" in text and message in text
    assert text.index("Ret venligst følgende") < text.index("Send i medlemshøring")
    assert _stored(app, recommendation.id).status == Status.DRAFT


def test_the_service_needs_a_deadline_after_today(app, secretariat, make_recommendation):
    recommendation = make_recommendation("draft")
    with app.test_request_context("/"):
        staff = db.session.get(User, secretariat.id)
        loaded = db.session.get(Recommendation, recommendation.id)
        for deadline in (None, local_today()):
            with pytest.raises(ValidationFailed) as refused:
                service.send_to_review(staff, loaded, deadline=deadline)
            assert refused.value.field == "deadline"
        assert loaded.status == Status.DRAFT


# --- publishing early or over objections ---------------------------------------------------


def test_publishing_before_the_deadline_asks_for_a_reason_on_a_second_page(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("review", review_deadline=FUTURE)
    staff = client_as(secretariat)
    draft = page_text(staff.get(f"/recommendations/{recommendation.id}/draft"))
    assert "næste side om en begrundelse" in draft
    page = staff.post(f"/recommendations/{recommendation.id}/publish", data={})
    assert page.status_code == 200
    text = page_text(page)
    assert "Udgiv version 1 nu?" in text
    assert (
        "Høringsfristen er den 16. december 2099: Medlemmerne kan stadig svare indtil da." in text
    )
    assert '<label class="label" for="reason">Begrundelse for at udgive nu</label>' in (
        page.get_data(as_text=True)
    )
    assert 'name="csrf_token"' in page.get_data(as_text=True)
    assert _stored(app, recommendation.id).current_version == 0  # nothing published yet

    empty = staff.post(f"/recommendations/{recommendation.id}/publish", data={"reason": " "})
    assert empty.status_code == 400
    text = page_text(empty)
    assert "Ret venligst følgende" in text and "Skriv en begrundelse for at gå videre." in text
    assert _stored(app, recommendation.id).current_version == 0

    done = staff.post(
        f"/recommendations/{recommendation.id}/publish",
        data={"reason": "Kommunerne skal bruge den før budgetforhandlingerne."},
    )
    assert done.status_code == 302
    assert _stored(app, recommendation.id).current_version == 1
    log = page_text(client_as(None).get("/log"))
    assert "Udgivet før høringsfristen, 16. december 2099." in log
    assert "Begrundelse: Kommunerne skal bruge den før budgetforhandlingerne." in log


def test_open_objections_are_counted_on_the_confirmation_page_and_in_the_log(
    app, client_as, secretariat, make_user, make_recommendation
):
    recommendation = make_recommendation("review")  # the deadline has passed
    _object(client_as, make_user, recommendation)
    staff = client_as(secretariat)
    one = page_text(staff.post(f"/recommendations/{recommendation.id}/publish", data={}))
    assert "1 medlem gør indsigelse mod udkastet." in one
    assert "Høringsfristen er" not in one
    _object(client_as, make_user, recommendation, "Også imod.")
    two = page_text(staff.post(f"/recommendations/{recommendation.id}/publish", data={}))
    assert "2 medlemmer gør indsigelse mod udkastet." in two
    staff.post(
        f"/recommendations/{recommendation.id}/publish",
        data={"reason": "Indsigelserne er drøftet; mindretalsudtalelsen udgives med."},
    )
    assert _stored(app, recommendation.id).current_version == 1
    log = page_text(client_as(None).get("/log"))
    assert "Udgivet med 2 indsigelser." in log
    assert "Begrundelse: Indsigelserne er drøftet; mindretalsudtalelsen udgives med." in log


def test_after_the_deadline_without_objections_publishing_needs_no_extra_step(
    app, client_as, secretariat, make_recommendation
):
    recommendation = make_recommendation("review")
    response = client_as(secretariat).post(f"/recommendations/{recommendation.id}/publish", data={})
    assert response.status_code == 302
    assert _stored(app, recommendation.id).current_version == 1
    assert "Begrundelse:" not in page_text(client_as(None).get("/log"))


def test_the_confirmation_page_keeps_the_change_note_of_a_new_version(
    app, client_as, secretariat, make_user, make_recommendation
):
    recommendation = make_recommendation("published")
    staff = client_as(secretariat)
    staff.post(
        f"/recommendations/{recommendation.id}/edit",
        data={"title": "Ny titel", "summary": "Nyt resumé.", "body": "Ny tekst."},
    )
    with app.app_context():  # a member objects to the coming version
        stored = db.session.get(Recommendation, recommendation.id)
        stored.status = Status.REVIEW
        db.session.commit()
    _object(client_as, make_user, recommendation)
    page = staff.post(
        f"/recommendations/{recommendation.id}/publish", data={"change_note": "Ny titel."}
    )
    assert page.status_code == 200 and "Udgiv version 2 nu?" in page_text(page)
    assert "Ny titel.</textarea>" in page.get_data(as_text=True)
    missing_note = staff.post(
        f"/recommendations/{recommendation.id}/publish",
        data={"change_note": "", "reason": "Vi går videre."},
    )
    assert missing_note.status_code == 400
    text = page_text(missing_note)
    assert "Skriv, hvad der er ændret i denne version." in text and "Vi går videre." in text
    staff.post(
        f"/recommendations/{recommendation.id}/publish",
        data={"change_note": "Ny titel.", "reason": "Vi går videre."},
    )
    assert _stored(app, recommendation.id).current_version == 2


def test_the_service_refuses_an_early_publication_without_a_reason(
    app, secretariat, make_recommendation
):
    recommendation = make_recommendation("review", review_deadline=FUTURE)
    with app.test_request_context("/"):
        staff = db.session.get(User, secretariat.id)
        loaded = db.session.get(Recommendation, recommendation.id)
        with pytest.raises(ConfirmationRequired) as refused:
            service.publish(staff, loaded, reason="   ")
        assert refused.value.concerns[0].data == {"deadline": "2099-12-16"}
        assert loaded.current_version == 0
        with transaction():
            version = service.publish(staff, loaded, reason="Der er travlt.")
        assert version.number == 1
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "recommendation_published")
        )
        assert event.public and event.data["reason"] == "Der er travlt."


@pytest.mark.parametrize("who", ["anonymous", "reader", "member"])
def test_only_the_secretariat_reaches_the_confirmation_page(
    app, role_clients, make_recommendation, who
):
    recommendation = make_recommendation("review", review_deadline=FUTURE)
    client = role_clients[who]
    for data in ({}, {"reason": "Jeg vil udgive."}):
        response = client.post(f"/recommendations/{recommendation.id}/publish", data=data)
        assert response.status_code == (302 if who == "anonymous" else 403)
        assert "Udgiv version 1 nu?" not in page_text(response)
        if who == "anonymous":
            assert "/login" in response.headers["Location"]
    assert _stored(app, recommendation.id).current_version == 0
