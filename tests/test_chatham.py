"""Chatham House cases: inside the think tank every contribution is named; for everyone else
(anonymous visitors and registered readers) only the author's sector is shown, on every page
and in every format that shows contributions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.conftest import (
    CASE_FORM,
    assert_page_safe,
    ballot_form,
    cast,
    delivered_mail,
    page_text,
)
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role, Sector
from thinktank.extensions import db

#: The contributors: every name, e-mail and organisation must stay away from outsiders.
PEOPLE = {
    "astrid": ("Astrid Hemmeligsen", "astrid.h@skjulby.dk", "Skjulby Kommune", Sector.MUNICIPALITY),
    "bertil": ("Bertil Fortroligsen", "bertil@diskretdata.dk", "Diskret Data ApS", Sector.PRIVATE),
    "cecilie": ("Cecilie Lukkethed", "cecilie@tavshed.dk", "Region Tavshedia", Sector.REGION),
}


def _leaks(people) -> list[str]:
    found = []
    for user in people.values():
        found += [user.display_name, user.email, user.organisation]
        found += [user.display_name.split()[0] + " " + user.display_name.split()[1][:4]]
    return found


@dataclass
class World:
    case_id: int
    comment_id: int
    reply_id: int
    recommendation_id: int
    report_id: int
    people: dict
    reader: User
    reporter: User


@pytest.fixture
def people(make_user):
    return {
        key: make_user(Role.MEMBER, display_name=name, email=email, organisation=org, sector=sector)
        for key, (name, email, org, sector) in PEOPLE.items()
    }


#: The conditions Astrid and Bertil vote "yes" on (no names in them: the text is theirs).
CONDITIONS = {
    "astrid": "Kun hvis kontrollen **logges**.",
    "bertil": "Kun med tavshedspligt for leverandøren.",
}


@pytest.fixture
def reporter(make_user) -> User:
    """A registered reader at Aarhus Kommune, who reports the municipality's experience."""
    return make_user(Role.READER, email="it@aarhus.dk", display_name="Ida Rapportsen")


@pytest.fixture
def world(app, people, make_case, make_comment, secretariat, reader, reporter, client_as) -> World:
    """A public Chatham House case written by Astrid, discussed (with a mention and a
    reply), voted on with reasons (Astrid and Bertil "yes, on conditions", one voter per
    sector), closed and published as a recommendation in two versions with an easy-read
    version, that cites Bertil and the group of both conditions and carries Cecilie's
    minority opinion co-signed by Bertil; a reader follows it from the start; Aarhus uses it
    and reports its experience in public."""
    from thinktank.cases import lifecycle
    from thinktank.cases.models import Case
    from thinktank.members.models import InterestKind
    from thinktank.members.service import InterestInput, declare_interest
    from thinktank.models import local_today
    from thinktank.notifications import follows
    from thinktank.recommendations import conditions as condition_groups
    from thinktank.recommendations import service as recommendations
    from thinktank.recommendations.models import Recommendation
    from thinktank.transaction import transaction
    from thinktank.voting.service import PositionInput, add_position, start_voting

    astrid, bertil, cecilie = people["astrid"], people["bertil"], people["cecilie"]
    case = make_case(author=astrid, state="open", visibility="public", chatham_house="y")
    with app.test_request_context("/"), transaction():
        follows.follow(db.session.get(User, reader.id), follows.CASE, case.id)
        declare_interest(
            db.session.get(User, cecilie.id),
            InterestInput(
                InterestKind.BOARD_SEAT, "Tavshedsfonden", "Bestyrelsesmedlem", None, None
            ),
        )
    comment = make_comment(
        case, bertil, "Kræv menneskelig kontrol, som @[Cecilie Lukkethed] også siger."
    )
    client_as(cecilie).get(f"/comments/{comment.id}/reply?quote=1")  # the quote form opens
    reply = make_comment(case, cecilie, "Enig: kontrollen skal dokumenteres.", parent=comment)
    client_as(bertil).post(
        f"/comments/{comment.id}/edit",
        data={"body": "Kræv menneskelig kontrol, siger @[Cecilie Lukkethed].", "edit_version": 1},
    )
    with app.test_request_context("/"), transaction():
        staff = db.session.get(User, secretariat.id)
        loaded = db.session.get(Case, case.id)
        ids = [add_position(staff, loaded, PositionInput(t, "")).id for t in ("Ja", "Nej")]
        start_voting(staff, loaded, closes_at=None, open_results=False)
    for key, choice in (("astrid", ids[0]), ("bertil", ids[0]), ("cecilie", ids[1])):
        data = ballot_form(choice, f"Min grund som {key}.")
        if key in CONDITIONS:
            data |= {"ballot-conditional": "y", "ballot-conditions": CONDITIONS[key]}
        assert client_as(people[key]).post(f"/cases/{case.id}/vote", data=data).status_code == 302
    with app.test_request_context("/"), transaction():
        staff = db.session.get(User, secretariat.id)
        lifecycle.transition(
            staff, db.session.get(Case, case.id), "close_voting", reason="Alle har stemt."
        )
    with app.test_request_context("/"):
        staff = db.session.get(User, secretariat.id)
        data = recommendations.DraftInput(
            title="Kræv dokumenteret kontrol",
            summary="Kommunerne bør dokumentere den menneskelige kontrol.",
            body="Dokumentér kontrollen.",
            review_by=None,
            citations=[comment.id],
            easy_read="Kort sagt: kommunen skal **skrive ned**, hvem der tjekker chatbotten.",
        )
        with transaction():
            recommendation = recommendations.create(staff, case.id, data)
            given = [c.id for c in condition_groups.frozen_conditions(case.id)]
            assert len(given) == 2
            group = condition_groups.create_group(
                staff, recommendation, "Kontrol og tavshed", given
            )
            condition_groups.cite_group(staff, recommendation, group.id, True)
            recommendations.send_to_review(
                staff, recommendation, deadline=recommendations.default_review_deadline()
            )
        with transaction():
            opinion = recommendations.write_opinion(
                db.session.get(User, cecilie.id),
                db.session.get(Recommendation, recommendation.id),
                "Jeg er uenig: kontrol er ikke nok.",
            )
        with transaction():
            recommendations.cosign(db.session.get(User, bertil.id), opinion.id)
        with transaction():
            loaded = db.session.get(Recommendation, recommendation.id)
            loaded.review_deadline = local_today() - timedelta(days=1)
            recommendations.publish(staff, loaded)
        with transaction():
            follows.follow(
                db.session.get(User, reader.id), follows.RECOMMENDATION, recommendation.id
            )
        with transaction():
            loaded = db.session.get(Recommendation, recommendation.id)
            data.body = "Dokumentér kontrollen skriftligt."
            recommendations.update(staff, loaded, data)
            recommendations.publish(staff, loaded, "Skriftlighed tilføjet.")
        recommendation_id = recommendation.id
    report_id = _report_experience(app, client_as(reporter), recommendation_id)
    return World(
        case.id, comment.id, reply.id, recommendation_id, report_id, people, reader, reporter
    )


def _report_experience(app, client, recommendation_id: int) -> int:
    """Aarhus (the reporter's own domain) records its use and reports it in public."""
    from thinktank.recommendations.models import ExperienceReport

    adopt = {"municipality": "751"}
    assert client.post(f"/recommendations/{recommendation_id}/adopt", data=adopt).status_code == 302
    report = {
        "municipality": "751",
        "done": "Vi skrev ned, hvem der tjekker chatbotten.",
        "worked": "Kontrollen blev **dokumenteret** hver uge.",
        "failed": "Loggen var svær at læse.",
        "recommends": "yes",
        "visibility": "public",
    }
    path = f"/recommendations/{recommendation_id}/experience"
    assert client.post(path, data=report).status_code == 302
    with app.app_context():
        return db.session.scalar(db.select(ExperienceReport.id))


def _pages(world: World) -> list[str]:
    """Every page and format that shows contributions to the case."""
    case, rec = world.case_id, world.recommendation_id
    return [
        f"/cases/{case}",
        "/cases/",
        f"/cases/{case}/history",
        f"/cases/{case}/results.json",
        f"/comments/{world.comment_id}",  # the permalink (follows to the thread)
        f"/comments/{world.reply_id}",
        f"/comments/{world.comment_id}/history",
        f"/comments/{world.comment_id}/reply?quote=1",
        f"/comments/{world.comment_id}/flag",
        f"/recommendations/{rec}",
        f"/recommendations/{rec}/v1",
        f"/recommendations/{rec}/v2",
        f"/recommendations/{rec}/diff",
        f"/recommendations/{rec}/v2/cite.bib",
        f"/recommendations/{rec}/v1/letlaest",
        f"/recommendations/{rec}/v2/letlaest",
        f"/recommendations/{rec}?print=1",
        f"/recommendations/{rec}/experience",
        f"/experience/{world.report_id}/flag",
        f"/experience/{world.report_id}/edit",
        f"/recommendations/{rec}/draft",  # the working copy and the grouping page: refused
        f"/recommendations/{rec}/conditions",
        "/moderation/experience",
        "/recommendations/",
        "/recommendations/?experience=1",
        f"/api/v1/cases/{case}",
        "/api/v1/cases",
        "/api/v1/recommendations",
        f"/api/v1/recommendations/{rec}",
        f"/api/v1/recommendations/{rec}/versions/1",
        f"/api/v1/recommendations/{rec}/versions/2",
        "/api/v1/exports/recommendations.csv",
        "/api/v1/exports/recommendations.json",
        "/api/v1/log",
        "/feeds/recommendations.atom",
        "/log",
        "/notifications",  # what a following reader is told, in the app
        "/profile/following",
        "/search?q=kontrol",
        "/search?q=Kræv+menneskelig+kontrol",
        "/search?q=dokumenteres",
        "/search?q=tavshedspligt",
        "/search?q=logges",
        "/search?q=tjekker+chatbotten",
        "/",
    ]


def _body(client, path: str) -> str:
    response = client.get(path, follow_redirects=True)
    assert response.status_code < 500, (path, response.status_code)
    return response.get_data(as_text=True)


def test_no_contributor_is_named_to_outsiders_on_any_page_or_format(app, world, client_as):
    from thinktank.models import utcnow
    from thinktank.notifications.digests import send_digests
    from thinktank.transaction import transaction

    leaks = _leaks(world.people)
    outsiders = {"anonymous": None, "reader": world.reader, "reporter": world.reporter}
    for who, user in outsiders.items():
        client = client_as(user)
        for path in _pages(world):
            body = _body(client, path)
            for leak in leaks:
                assert leak not in body, (who, path, leak)
            if who != "reporter":  # a report shows its municipality, never its writer
                assert world.reporter.display_name not in body, (who, path)
        # the member register lists the people, but never what they did in this case
        for user in world.people.values():
            body = _body(client, f"/members/{user.id}")
            assert "Kræv dokumenteret kontrol" not in body and CASE_FORM["title"] not in body
            assert "Min grund som" not in body, (who, user.display_name)
            assert "tavshedspligt" not in body and "logges" not in body, (who, user.display_name)
        # what they are shown instead
        text = page_text(client.get(f"/cases/{world.case_id}"))
        assert "Et medlem (privat sektor)" in text and "Et medlem (regional sektor)" in text
        assert "Chatham House" in text
        assert "Tavshedsfonden" in text  # the declared interests, as one list for the case
        # the conditions, the sector table and the easy-read version are there, nameless
        rec = f"/recommendations/{world.recommendation_id}"
        for path in (f"/cases/{world.case_id}", rec):
            text = page_text(client.get(path))
            assert "Kun med tavshedspligt for leverandøren." in text, (who, path)
            assert "Stemmer fordelt på sektor" in text and "færre end 3" in text, (who, path)
        text = page_text(client.get(rec))
        assert "Betingelser fra afstemningen: Kontrol og tavshed" in text
        assert "Letlæst udgave" in text and "Vi skrev ned, hvem der tjekker chatbotten." in text
        results = client.get(f"/cases/{world.case_id}/results.json").get_json()["result"]
        assert results["withheld_sectors"] == sorted(["municipality", "private", "region"])
        assert len(results["conditions"]) == 2
    # the e-mails the following reader got
    with app.test_request_context("/"):
        with transaction():
            send_digests(utcnow() + timedelta(days=1))
        mails = [m for m in delivered_mail() if world.reader.email in m["To"]]
        assert len(mails) >= 2, "the reader follows the case and hears of its steps"
        for message in mails:
            text = message.get_body(("plain",)).get_content()
            for leak in leaks:
                assert leak not in text, leak


def test_members_secretariat_and_admins_see_every_name(
    world, client_as, secretariat, admin, member
):
    for user in (member, secretariat, admin):
        client = client_as(user)
        case_page = _body(client, f"/cases/{world.case_id}")
        for person in world.people.values():
            assert person.display_name in case_page, (user.role, person.display_name)
        assert "Bertil Fortroligsen" in _body(client, f"/recommendations/{world.recommendation_id}")
        results = _body(client, f"/cases/{world.case_id}/results.json")
        assert "Cecilie Lukkethed" in results
        # the conditions carry their voters' names, the sectors their numbers
        for path in (f"/cases/{world.case_id}", f"/recommendations/{world.recommendation_id}"):
            body = _body(client, path)
            after = body[body.index("Kun med tavshedspligt for leverandøren.") :][:400]
            assert "Bertil Fortroligsen" in after, (user.role, path)
            assert "færre end 3" not in body, (user.role, path)


def test_the_api_names_nobody_even_for_a_logged_in_member(world, client_as, member):
    body = _body(client_as(member), f"/api/v1/cases/{world.case_id}")
    for leak in _leaks(world.people):
        assert leak not in body
    assert "Et medlem (privat sektor)" in body


def test_the_rule_cannot_be_turned_off_once_the_case_is_open(
    app, client_as, secretariat, member, make_case
):
    from thinktank.cases.models import Case

    case = make_case(author=member, state="open", chatham_house="y")
    client = client_as(secretariat)
    form = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert 'id="chatham_house" checked disabled' in form
    data = CASE_FORM | {"title": case.title, "edit_version": 1, "summary": "Ny kortere tekst."}
    response = client.post(f"/cases/{case.id}/edit", data=data)  # the box sends nothing
    assert response.status_code == 400
    assert "kan ikke slås fra" in page_text(response)
    assert "Ny kortere tekst." in response.get_data(as_text=True)  # the typed text is kept
    with app.app_context():
        assert db.session.get(Case, case.id).chatham_house is True
    # with the form's own hidden field, the save goes through and the rule stays on
    response = client.post(f"/cases/{case.id}/edit", data=data | {"chatham_house": "y"})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(Case, case.id)
        assert saved.chatham_house is True and saved.summary == "Ny kortere tekst."


def test_the_author_may_turn_it_off_while_the_case_is_a_draft(app, client_as, member, make_case):
    from thinktank.cases.models import Case

    case = make_case(author=member, state="draft", chatham_house="y")
    data = CASE_FORM | {"title": case.title, "edit_version": 1}
    assert client_as(member).post(f"/cases/{case.id}/edit", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Case, case.id).chatham_house is False


def test_turning_it_on_later_anonymises_earlier_contributions(
    app, client_as, secretariat, make_case, make_comment, people
):
    from thinktank.audit.models import AuditEvent

    case = make_case(author=people["astrid"], state="open", visibility="public")
    make_comment(case, people["bertil"], "Tidligt indlæg om @[Cecilie Lukkethed].")
    anonymous = client_as(None)
    assert "Bertil Fortroligsen" in _body(anonymous, f"/cases/{case.id}")
    assert "Cecilie Lukkethed" in _body(anonymous, "/search?q=Tidligt+indlæg")
    data = CASE_FORM | {"title": case.title, "edit_version": 1, "chatham_house": "y"}
    assert client_as(secretariat).post(f"/cases/{case.id}/edit", data=data).status_code == 302
    for path in (f"/cases/{case.id}", f"/api/v1/cases/{case.id}", "/search?q=Tidligt+indlæg"):
        body = _body(anonymous, path)
        for leak in _leaks(people):
            assert leak not in body, (path, leak)
    assert "Et medlem (privat sektor)" in page_text(anonymous.get(f"/cases/{case.id}"))
    # recorded in the case's history and the audit log
    history = page_text(client_as(secretariat).get(f"/cases/{case.id}/history"))
    assert "Chatham House" in history
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEvent.action)).all()
        assert "chatham_house_on" in actions


def test_hostile_markdown_in_a_chatham_house_case_stays_inert(
    client_as, make_case, make_comment, people
):
    case = make_case(author=people["astrid"], state="open", visibility="public", chatham_house="y")
    hostile = (
        "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> "
        '@[Cecilie Lukkethed] <a href="/members/1" onclick="x">@Bertil</a>'
    )
    make_comment(case, people["bertil"], hostile)
    for client in (client_as(None), client_as(people["astrid"])):
        html = _body(client, f"/cases/{case.id}")
        assert_page_safe(html)
        assert "<script>alert" not in html
    assert "Cecilie Lukkethed" not in _body(client_as(None), f"/cases/{case.id}")


def test_the_secretariat_turns_it_on_after_voting_closed_and_the_result_loses_its_names(
    app, client_as, secretariat, member, reader, make_vote_case, people
):
    from thinktank.cases import lifecycle
    from thinktank.cases.models import Case
    from thinktank.transaction import transaction

    vote = make_vote_case(author=people["astrid"], visibility="public")
    cast(client_as(people["bertil"]), vote.id, vote.positions[0], "Fordi det er klogt.")
    with app.test_request_context("/"), transaction():
        staff = db.session.get(User, secretariat.id)
        lifecycle.transition(staff, db.session.get(Case, vote.id), "close_voting", reason="Slut.")
    anonymous = client_as(None)
    assert "Bertil Fortroligsen" in _body(anonymous, f"/cases/{vote.id}")
    # members, readers and anonymous visitors are refused; the button is the secretariat's
    for user in (member, reader, None):
        response = client_as(user).post(f"/cases/{vote.id}/chatham-house", data={})
        assert response.status_code in (302, 401, 403), (user, page_text(response)[:900])
        if response.status_code == 302:
            assert "/login" in response.location
    assert "Slå Chatham House-reglen til" not in _body(client_as(member), f"/cases/{vote.id}")
    staff_client = client_as(secretariat)
    assert "Slå Chatham House-reglen til" in _body(staff_client, f"/cases/{vote.id}")
    assert staff_client.post(f"/cases/{vote.id}/chatham-house", data={}).status_code == 302
    with app.app_context():
        assert db.session.get(Case, vote.id).chatham_house is True
    for path in (f"/cases/{vote.id}", f"/cases/{vote.id}/results.json"):
        body = _body(anonymous, path)
        assert "Bertil Fortroligsen" not in body and "Diskret Data" not in body, path
    assert "Et medlem (privat sektor)" in page_text(anonymous.get(f"/cases/{vote.id}"))
    history = page_text(staff_client.get(f"/cases/{vote.id}/history"))
    assert "Chatham House-reglen" in history


def test_the_demo_has_a_chatham_house_case_whose_voters_and_authors_are_not_named(
    app, seeded, client_as, member
):
    from thinktank.cases.models import Case

    with app.app_context():
        (case,) = db.session.scalars(db.select(Case).where(Case.chatham_house.is_(True))).all()
        voters = db.session.scalars(
            db.select(User.display_name).where(User.role.in_([Role.MEMBER, Role.SECRETARIAT]))
        ).all()
    anonymous = client_as(None)
    text = page_text(anonymous.get(f"/cases/{case.id}"))
    assert "Chatham House-reglen" in text and "Et medlem (" in text
    for path in (f"/cases/{case.id}", f"/cases/{case.id}/results.json", f"/api/v1/cases/{case.id}"):
        body = _body(anonymous, path)
        for name in voters:
            assert name not in body, (path, name)
    with app.app_context():
        insider = db.session.scalar(db.select(User).where(User.email == "ekspert1@kl-demo.dk"))
    inside = _body(client_as(insider), f"/cases/{case.id}")
    assert any(name in inside for name in voters)


def test_anonymising_adds_no_query_to_the_case_page(
    client_as, make_case, make_comment, people, count_queries
):
    counts = []
    for chatham in ("", "y"):
        case = make_case(author=people["astrid"], visibility="public", chatham_house=chatham)
        for key in ("bertil", "cecilie"):
            make_comment(case, people[key], f"Indlæg fra {key} om @[Astrid Hemmeligsen].")
        client = client_as(None)
        client.get(f"/cases/{case.id}")  # warm up (due moves, sessions)
        with count_queries() as log:
            assert client.get(f"/cases/{case.id}").status_code == 200
        counts.append(log.count)
    assert counts[0] == counts[1], counts
