"""Experience from practice: only the users of a municipality that uses a recommendation
report how it went, once per municipality and version; public reports are for everyone,
internal ones for the think tank; reports are flagged, removed and cited like comments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, assert_page_safe, page_text
from thinktank.accounts.roles import Role
from thinktank.extensions import db
from thinktank.models import local_today
from thinktank.notifications.models import Notification
from thinktank.recommendations.models import Adoption, ExperienceReport

AARHUS = "751"


def _report(client, recommendation, **changes):
    data = {
        "municipality": AARHUS,
        "done": "Vi flyttede knappen til en medarbejder op i første svar.",
        "worked": "Flere borgere valgte en medarbejder.",
        "failed": "Stikprøverne tog lang tid.",
        "recommends": "partly",
        "visibility": "public",
    } | changes
    return client.post(f"/recommendations/{recommendation.id}/experience", data=data)


def _reports(app) -> list[ExperienceReport]:
    with app.app_context():
        rows = db.session.scalars(select(ExperienceReport).order_by(ExperienceReport.id)).all()
        for row in rows:
            db.session.expunge(row)
    return rows


@pytest.fixture
def recorder(make_user):
    """A reader outside every municipal domain who recorded Aarhus's use (the secretariat
    confirmed it)."""
    return make_user(Role.READER, email="borger@example.dk", organisation="Aarhus Kommune")


@pytest.fixture
def colleague(make_user):
    """An Aarhus employee with a proven address at the municipality's domain."""
    return make_user(Role.READER, email="it@aarhus.dk")


@pytest.fixture
def adopted(app, make_recommendation, client_as, recorder, secretariat):
    """A published recommendation Aarhus uses (the adoption verified by the secretariat)."""
    recommendation = make_recommendation("published")
    client_as(recorder).post(
        f"/recommendations/{recommendation.id}/adopt", data={"municipality": AARHUS}
    )
    with app.app_context():
        adoption = db.session.scalar(select(Adoption))
    client_as(secretariat).post(
        f"/moderation/adoptions/{adoption.id}", data={"decision": "confirm"}
    )
    return recommendation


# --- who may report ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("recorder", 200),
        ("colleague", 200),
        ("reader", 403),
        ("member", 403),
        ("secretariat", 403),
        ("admin", 403),
        ("anonymous", 302),
    ],
)
def test_only_the_adopting_municipalitys_users_may_report(
    request, client_as, adopted, role_clients, who, status
):
    client = (
        client_as(request.getfixturevalue(who))
        if who in ("recorder", "colleague")
        else role_clients[who]
    )
    form = client.get(f"/recommendations/{adopted.id}/experience")
    assert form.status_code == status
    if status == 302:
        assert form.headers["Location"].startswith("/login?next=")
    sent = _report(client, adopted)
    assert sent.status_code == (302 if status == 200 else status)
    page = client.get(f"/recommendations/{adopted.id}").get_data(as_text=True)
    link = f'href="/recommendations/{adopted.id}/experience"'
    assert (link in page) == (status == 200 and sent.status_code != 302)


def test_a_pending_adoption_gives_no_right_to_report(make_recommendation, client_as, recorder):
    recommendation = make_recommendation("published")
    client = client_as(recorder)
    client.post(f"/recommendations/{recommendation.id}/adopt", data={"municipality": AARHUS})
    assert client.get(f"/recommendations/{recommendation.id}/experience").status_code == 403
    assert _report(client, recommendation).status_code == 403


def test_an_unconfirmed_address_gives_no_right_to_report(app, adopted, client_as, make_user):
    unconfirmed = make_user(Role.READER, email="ny@aarhus.dk", email_verified_at=None)
    assert _report(client_as(unconfirmed), adopted).status_code == 403


def test_a_municipality_reports_once_per_version(
    app, adopted, client_as, recorder, colleague, secretariat
):
    assert _report(client_as(recorder), adopted).status_code == 302
    again = _report(client_as(colleague), adopted, done="Vores egen udgave")
    assert again.status_code == 400
    assert "Aarhus Kommune har allerede fortalt om sine erfaringer" in page_text(again)
    assert "Vores egen udgave" in again.get_data(as_text=True)  # what was typed stays
    # the author's link leads to their report, to edit it
    form = client_as(recorder).get(f"/recommendations/{adopted.id}/experience")
    assert form.status_code == 302 and "/edit" in form.headers["Location"]
    # a new version may get a new report from the same municipality
    staff = client_as(secretariat)
    report = _reports(app)[0]
    staff.post(f"/recommendations/{adopted.id}/experience/{report.id}/cite", data={"cite": "1"})
    published = staff.post(
        f"/recommendations/{adopted.id}/publish", data={"change_note": "Erfaringer tilføjet"}
    )
    assert published.status_code == 302
    assert _report(client_as(colleague), adopted, done="Efter version 2").status_code == 302
    assert [(r.version, r.author_id) for r in _reports(app)] == [
        (1, recorder.id),
        (2, colleague.id),
    ]


def test_the_author_edits_the_report_and_nobody_else(app, adopted, client_as, recorder, colleague):
    _report(client_as(recorder), adopted)
    report = _reports(app)[0]
    changed = {
        "done": "Ændret tekst",
        "worked": "Det virkede",
        "failed": "Intet",
        "recommends": "yes",
        "visibility": "internal",
    }
    for other in (colleague,):
        assert (
            client_as(other).post(f"/experience/{report.id}/edit", data=changed).status_code == 403
        )
    assert client_as(recorder).get(f"/experience/{report.id}/edit").status_code == 200
    assert (
        client_as(recorder).post(f"/experience/{report.id}/edit", data=changed).status_code == 302
    )
    edited = _reports(app)[0]
    assert (edited.done, edited.recommends.value, edited.visibility.value) == (
        "Ændret tekst",
        "yes",
        "internal",
    )


@pytest.mark.parametrize("role", ["reader", "member", "secretariat", "admin", "anonymous"])
def test_others_cannot_edit_a_report(app, adopted, client_as, recorder, role_clients, role):
    _report(client_as(recorder), adopted)
    report = _reports(app)[0]
    response = role_clients[role].post(f"/experience/{report.id}/edit", data={"done": "Hacket"})
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert _reports(app)[0].done != "Hacket"


def test_too_long_or_missing_answers_are_refused_and_the_text_stays(adopted, client_as, recorder):
    response = _report(client_as(recorder), adopted, worked="x" * 3001, recommends="")
    assert response.status_code == 400
    text = page_text(response)
    assert "Vælg ja, delvist eller nej." in text
    assert "x" * 3001 in response.get_data(as_text=True)


# --- who sees what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_internal"),
    [("anonymous", False), ("reader", False), ("member", True), ("secretariat", True)],
)
def test_internal_reports_are_for_the_think_tank(
    app, adopted, client_as, recorder, colleague, secretariat, role_clients, role, sees_internal
):
    _report(client_as(recorder), adopted, worked="Offentlig erfaring")
    staff = client_as(secretariat)
    report = _reports(app)[0]
    staff.post(f"/recommendations/{adopted.id}/experience/{report.id}/cite", data={"cite": "1"})
    staff.post(f"/recommendations/{adopted.id}/publish", data={"change_note": "Ny version"})
    _report(client_as(colleague), adopted, worked="Intern erfaring", visibility="internal")
    page = page_text(role_clients[role].get(f"/recommendations/{adopted.id}"))
    assert "Offentlig erfaring" in page
    assert ("Intern erfaring" in page) == sees_internal
    assert ("Kun tænketanken" in page) == sees_internal


def test_the_page_shows_the_municipality_and_the_answers(adopted, client_as, recorder, client):
    _report(client_as(recorder), adopted)
    text = page_text(client.get(f"/recommendations/{adopted.id}"))
    section = text.split("Erfaringer fra praksis", 1)[1]
    assert "Aarhus Kommune" in section
    assert "Flere borgere valgte en medarbejder." in section
    assert "Delvist" in section
    assert "borger@example.dk" not in text  # the municipality reports, not the person


def test_hostile_markdown_in_every_answer_is_made_harmless(adopted, client_as, recorder, client):
    hostile = "<script>alert(1)</script><img src=x onerror=alert(1)> [klik](javascript:alert(1))"
    _report(client_as(recorder), adopted, done=hostile, worked=hostile, failed=hostile)
    html = client.get(f"/recommendations/{adopted.id}").get_data(as_text=True)
    assert_page_safe(html)
    assert "<script>alert" not in html


def test_the_page_runs_a_fixed_number_of_queries_however_many_reports(
    app, make_recommendation, client_as, make_user, secretariat, count_queries
):
    few, many = make_recommendation("published", title="Få"), make_recommendation("published")
    staff = client_as(secretariat)
    for code in ("101", "751", "461", "851", "147"):
        reporter = make_user(Role.READER)
        client = client_as(reporter)
        client.post(f"/recommendations/{many.id}/adopt", data={"municipality": code})
        with app.app_context():
            adoption = db.session.scalar(select(Adoption).order_by(Adoption.id.desc()))
        staff.post(f"/moderation/adoptions/{adoption.id}", data={"decision": "confirm"})
        assert _report(client, many, municipality=code).status_code == 302
    anonymous = client_as(None)
    for who in (anonymous, staff):
        with count_queries() as small:
            who.get(f"/recommendations/{few.id}")
        with count_queries() as large:
            response = who.get(f"/recommendations/{many.id}")
        assert page_text(response).count("Flere borgere valgte en medarbejder.") == 5
        assert small.count == large.count, str(large)


# --- moderation -------------------------------------------------------------------------


def test_flag_and_removal_with_a_reason(app, adopted, client_as, recorder, reader, secretariat):
    _report(client_as(recorder), adopted, worked="Personnavn Jensen")
    report = _reports(app)[0]
    assert client_as(recorder).get(f"/experience/{report.id}/flag").status_code == 403  # own
    flagged = client_as(reader).post(
        f"/experience/{report.id}/flag", data={"reason": "personal_data", "note": "Et navn"}
    )
    assert flagged.status_code == 302
    staff = client_as(secretariat)
    assert 'href="/moderation/experience"' in staff.get("/moderation/").get_data(as_text=True)
    queue = page_text(staff.get("/moderation/experience"))
    assert "Personnavn Jensen" in queue and "Et navn" in queue
    removed = staff.post(
        f"/experience/{report.id}/remove", data={"reason": "Navngiver en borger", "next": "queue"}
    )
    assert removed.status_code == 302
    page = page_text(client_as(None).get(f"/recommendations/{adopted.id}"))
    assert "Personnavn Jensen" not in page and "Navngiver en borger" in page
    assert "Personnavn Jensen" not in page_text(staff.get("/moderation/experience"))
    # a removed report is neither edited nor removed again
    assert client_as(recorder).get(f"/experience/{report.id}/edit").status_code == 403
    assert staff.get(f"/experience/{report.id}/remove").status_code == 403


def test_dismissed_flags_leave_the_report(app, adopted, client_as, recorder, reader, secretariat):
    _report(client_as(recorder), adopted)
    report = _reports(app)[0]
    client_as(reader).post(f"/experience/{report.id}/flag", data={"reason": "off_topic"})
    staff = client_as(secretariat)
    assert staff.post(f"/moderation/experience/{report.id}/dismiss", data={}).status_code == 302
    assert "Flere borgere" not in page_text(staff.get("/moderation/experience"))
    assert "Flere borgere" in page_text(client_as(None).get(f"/recommendations/{adopted.id}"))


@pytest.mark.parametrize("role", ["reader", "member"])
def test_only_the_secretariat_moderates_reports(
    app, adopted, client_as, recorder, role_clients, role
):
    _report(client_as(recorder), adopted)
    report = _reports(app)[0]
    client = role_clients[role]
    assert client.get("/moderation/experience").status_code == 403
    assert client.post(f"/moderation/experience/{report.id}/dismiss", data={}).status_code == 403
    assert client.post(f"/experience/{report.id}/remove", data={"reason": "x"}).status_code == 403
    assert not _reports(app)[0].is_removed


def test_flagging_needs_a_login_and_a_reason(app, adopted, client_as, recorder, reader):
    _report(client_as(recorder), adopted)
    report = _reports(app)[0]
    assert client_as(None).post(f"/experience/{report.id}/flag", data={}).status_code == 302
    assert client_as(reader).post(f"/experience/{report.id}/flag", data={}).status_code == 400


# --- citing in the next version ---------------------------------------------------------


def test_the_secretariat_cites_a_report_in_the_next_version(
    app, adopted, client_as, recorder, colleague, secretariat, member
):
    _report(client_as(recorder), adopted, failed="Testretten manglede")
    report = _reports(app)[0]
    staff = client_as(secretariat)
    draft = page_text(staff.get(f"/recommendations/{adopted.id}/draft"))
    assert "Testretten manglede" in draft
    cite = f"/recommendations/{adopted.id}/experience/{report.id}/cite"
    assert client_as(member).post(cite, data={"cite": "1"}).status_code == 403
    assert staff.post(cite, data={"cite": "1"}).status_code == 302
    staff.post(f"/recommendations/{adopted.id}/publish", data={"change_note": "Erfaringer"})
    page = page_text(client_as(None).get(f"/recommendations/{adopted.id}"))
    cited = page.split("De argumenter, den bygger på", 1)[1].split("Sådan blev den til", 1)[0]
    assert "Testretten manglede" in cited and "Aarhus Kommune" in cited
    api = client_as(None).get(f"/api/v1/recommendations/{adopted.id}/versions/2")
    assert "Testretten manglede" in api.get_data(as_text=True)  # quoted, without a link


def test_an_internal_report_cannot_be_cited(app, adopted, client_as, recorder, secretariat):
    _report(client_as(recorder), adopted, visibility="internal")
    report = _reports(app)[0]
    staff = client_as(secretariat)
    staff.post(f"/recommendations/{adopted.id}/experience/{report.id}/cite", data={"cite": "1"})
    published = staff.post(f"/recommendations/{adopted.id}/publish", data={"change_note": "Ny"})
    assert published.status_code == 409  # nothing changed: the report was not cited
    assert "Flere borgere" not in page_text(client_as(None).get(f"/recommendations/{adopted.id}"))


# --- the portal -------------------------------------------------------------------------


def test_the_portal_filters_to_recommendations_with_public_experience(
    app, adopted, make_recommendation, client_as, recorder, colleague, client
):
    other = make_recommendation("published", title="Uden erfaringer")
    _report(client_as(recorder), adopted, visibility="internal")
    text = page_text(client.get("/recommendations/"))
    assert "Med erfaringer fra praksis (0)" in text
    report = _reports(app)[0]
    client_as(recorder).post(
        f"/experience/{report.id}/edit",
        data={
            "done": "a",
            "worked": "b",
            "failed": "c",
            "recommends": "no",
            "visibility": "public",
        },
    )
    assert "Med erfaringer fra praksis (1)" in page_text(client.get("/recommendations/"))
    filtered = page_text(client.get("/recommendations/?experience=1"))
    assert "1 anbefaling" in filtered and other.title not in filtered


# --- the review-date reminder -----------------------------------------------------------


def test_the_review_date_asks_the_recorders_once(
    app, make_recommendation, client_as, recorder, secretariat, client
):
    from thinktank.recommendations.experience_reminders import send_review_reminders

    recommendation = make_recommendation("published", review_by=local_today() + timedelta(days=3))
    client_as(recorder).post(
        f"/recommendations/{recommendation.id}/adopt", data={"municipality": AARHUS}
    )
    with app.app_context():
        adoption = db.session.scalar(select(Adoption))
    client_as(secretariat).post(
        f"/moderation/adoptions/{adoption.id}", data={"decision": "confirm"}
    )
    with app.test_request_context("/"):
        assert send_review_reminders() == 0  # not yet
        assert send_review_reminders(local_today() + timedelta(days=3)) == 1
        assert send_review_reminders(local_today() + timedelta(days=4)) == 0  # only once
        db.session.commit()
        note = db.session.scalar(select(Notification).where(Notification.user_id == recorder.id))
        assert note.kind == "experience_asked"
        assert note.url == f"/recommendations/{recommendation.id}/experience?municipality={AARHUS}"
    assert client_as(recorder).get(note.url).status_code == 200


def test_send_reminders_queues_the_review_date_mail(app, adopted, recorder):
    from thinktank.mail import OutboxMessage
    from thinktank.recommendations.models import Recommendation

    with app.app_context():
        db.session.get(Recommendation, adopted.id).review_by = local_today()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "1 reminders queued" in result.output
    with app.app_context():
        mail = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient == recorder.email)
        )
        assert f"/recommendations/{adopted.id}/experience?municipality={AARHUS}" in mail.text_body


# --- privacy ----------------------------------------------------------------------------


def test_reports_are_in_the_export_and_stay_without_the_name_after_erasure(
    app, adopted, client_as, recorder
):
    from thinktank.privacy import collectors

    _report(client_as(recorder), adopted, worked=f"Skrevet af {recorder.display_name}")
    with app.app_context():
        rows = collectors.experience_reports(recorder)
    assert rows[0]["municipality"] == AARHUS
    client_as(recorder).post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    report = _reports(app)[0]
    assert report.worked.startswith("Skrevet af") and report.municipality == AARHUS
    assert recorder.display_name not in report.worked + report.worked_html


def test_the_api_lists_the_public_reports_only(app, adopted, client_as, recorder, colleague):
    _report(client_as(recorder), adopted, worked="Offentligt i API'et")
    body = client_as(None).get(f"/api/v1/recommendations/{adopted.id}").get_json()
    assert [(r["municipality"], r["worked"], r["recommends"]) for r in body["experience"]] == [
        ("Aarhus Kommune", "Offentligt i API'et", "partly")
    ]
    report = _reports(app)[0]
    client_as(recorder).post(
        f"/experience/{report.id}/edit",
        data={
            "done": "a",
            "worked": "b",
            "failed": "c",
            "recommends": "no",
            "visibility": "internal",
        },
    )
    body = client_as(None).get(f"/api/v1/recommendations/{adopted.id}").get_json()
    assert body["experience"] == []
