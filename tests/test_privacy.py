"""Download my data and delete my account: everything about the person in the ZIP and
nothing about others; after deletion no trace of e-mail, name or organisation anywhere in
the database, while threads, tallies and published versions keep their counts."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import JSON, String, Text, select

from tests.conftest import PASSWORD, delivered_mail, mailed_link, page_text
from thinktank.accounts.models import User
from thinktank.audit.models import AuditEvent
from thinktank.cases.models import Case
from thinktank.discussion.models import Comment
from thinktank.extensions import db
from thinktank.voting.models import Ballot, VoteResult

DEMO_PASSWORD = "demo1234demo"


def _demo_user(app, email="ekspert1@kl-demo.dk") -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
    return user


def _unzip(response) -> dict:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == {"data.json", "summary.md", "README.md"}
    return {
        "data": json.loads(archive.read("data.json")),
        "summary": archive.read("summary.md").decode(),
        "readme": archive.read("README.md").decode(),
    }


KINDS = (
    "account",
    "cases",
    "comments",
    "ballots",
    "positions_proposed",
    "interests",
    "review_answers",
    "minority_opinions",
    "cosignatures",
    "adoptions",
    "notifications",
    "follows",
    "notification_preferences",
    "emails",
    "invitations_sent",
    "audit_log",
)


def test_profile_links_to_export_and_deletion(client_as, member):
    html = client_as(member).get("/profile").get_data(as_text=True)
    assert 'href="/profile/data"' in html and 'href="/profile/delete"' in html


def test_demo_member_downloads_every_kind_of_their_data(app, seeded, client_as):
    user = _demo_user(app)
    client = client_as(user)
    assert "data.json" in page_text(client.get("/profile/data"))
    export = _unzip(client.post("/profile/data", data={}))
    data = export["data"]
    assert data["format"] == "thinktank-personal-data" and data["format_version"] == 1
    for kind in KINDS:
        assert kind in data and f"`{kind}`" in export["readme"]
    assert data["account"]["email"] == user.email
    with app.app_context():
        own_comments = db.session.scalar(
            select(db.func.count()).where(Comment.author_id == user.id)
        )
        own_ballots = db.session.scalar(select(db.func.count()).where(Ballot.voter_id == user.id))
    assert own_comments and len(data["comments"]) == own_comments
    assert own_ballots and len(data["ballots"]) == own_ballots
    assert all(b["changes"] for b in data["ballots"])
    assert data["interests"]
    assert data["audit_log"]
    assert f"Comments / Kommentarer ({own_comments})" in export["summary"]


def test_export_holds_follows_preferences_and_the_mails_sent_to_the_person(
    app, client_as, make_case, member, reader
):
    case = make_case(state="open", visibility="public", title="Chatbot i borgerservice")
    client = client_as(member)
    client.post(f"/cases/{case.id}/follow", data={"follow": "1"})
    client.post("/profile/notifications", data={"mentions": "weekly"})
    client.post("/reset", data={"email": member.email})
    client_as(reader).post("/logout", data={})
    anonymous = app.test_client()
    anonymous.post("/reset", data={"email": reader.email})  # someone else's mail
    export = _unzip(client.post("/profile/data", data={}))
    data = export["data"]
    [followed] = [f for f in data["follows"] if f["kind"] == "case" and f["id"] == case.id]
    assert followed["title"] == "Chatbot i borgerservice" and followed["since"]
    assert followed["url"].startswith(app.config["BASE_URL"] + f"/cases/{case.id}")
    preferences = {p["kind"]: p for p in data["notification_preferences"]}
    assert preferences["mentions"] == {"kind": "mentions", "delivery": "weekly", "default": False}
    assert preferences["replies"]["default"] is True
    [mail] = data["emails"]
    assert mail["kind"] == "password_reset" and mail["status"] == "pending" and mail["created_at"]
    assert set(mail) == {"id", "subject", "kind", "status", "created_at", "sent_at"}
    with app.app_context():
        delivered_mail()
    sent = _unzip(client.post("/profile/data", data={}))["data"]["emails"]
    assert [m["status"] for m in sent] == ["sent"] and sent[0]["sent_at"]
    assert reader.email not in json.dumps(sent)
    assert "Chatbot i borgerservice" in export["summary"]
    assert "mentions: weekly" in export["summary"]
    assert "E-mails sent to you / E-mails sendt til dig (1)" in export["summary"]


def test_export_holds_nothing_about_other_people(app, seeded, client_as):
    user = _demo_user(app)
    data = _unzip(client_as(user).post("/profile/data", data={}))["data"]
    text = json.dumps(data, ensure_ascii=False)
    with app.app_context():
        others = db.session.scalars(select(User).where(User.id != user.id)).all()
        for other in others:
            assert other.email not in text
    assert all(c for c in data["comments"] if True)
    assert {e["by_you"] for e in data["audit_log"] if not e["by_you"]} <= {False}
    assert all("actor_id" not in e for e in data["audit_log"])


def test_export_of_many_comments_runs_a_bounded_number_of_queries(
    app, client_as, member, make_case, count_queries
):
    case = make_case(state="open")
    with app.app_context():
        db.session.add_all(
            Comment(
                discussion_id=_discussion_id(app, case.id),
                author_id=member.id,
                body=f"Kommentar {n}",
                body_html=f"<p>Kommentar {n}</p>",
            )
            for n in range(1000)
        )
        db.session.commit()
    client = client_as(member)
    with count_queries() as log:
        data = _unzip(client.post("/profile/data", data={}))["data"]
    assert len(data["comments"]) == 1000
    assert log.count <= 30, str(log)  # a fixed number per kind of data


def _discussion_id(app, case_id: int) -> int:
    from thinktank.discussion.models import Discussion

    with app.app_context():
        found = db.session.scalar(
            select(Discussion.id).where(
                Discussion.subject_type == "case", Discussion.subject_id == case_id
            )
        )
        if found:
            return found
        discussion = Discussion(subject_type="case", subject_id=case_id)
        db.session.add(discussion)
        db.session.commit()
        return discussion.id


@pytest.mark.parametrize("role", ["anonymous"])
def test_export_and_delete_need_a_login(role_clients, role):
    client = role_clients[role]
    for path in ("/profile/data", "/profile/delete"):
        assert client.get(path).status_code == 302


@pytest.mark.parametrize("role", ["anonymous", "reader", "member", "secretariat"])
def test_only_admins_export_or_delete_other_accounts(role_clients, make_user, role):
    other = make_user()
    client = role_clients[role]
    expected = 302 if role == "anonymous" else 403
    assert client.post(f"/admin/users/{other.id}/data", data={}).status_code == expected
    assert client.get(f"/admin/users/{other.id}/delete").status_code == expected
    assert (
        client.post(
            f"/admin/users/{other.id}/delete", data={"reason": "x", "confirm": "y"}
        ).status_code
        == expected
    )


def test_admin_exports_an_account_and_it_is_audited(app, client_as, admin, member):
    client = client_as(admin)
    assert f'action="/admin/users/{member.id}/data"' in client.get(
        f"/admin/users/{member.id}"
    ).get_data(as_text=True)
    data = _unzip(client.post(f"/admin/users/{member.id}/data", data={}))["data"]
    assert data["account"]["email"] == member.email
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account_exported"))
        assert event.actor_id == admin.id and event.subject_id == member.id


def test_admin_cannot_delete_their_own_account_from_the_admin_page(client_as, admin):
    assert client_as(admin).get(f"/admin/users/{admin.id}/delete").status_code == 403


# --- deletion ----------------------------------------------------------------------------


def _text_values(app) -> list[tuple[str, str, str]]:
    """Every value of every String, Text and JSON column of every table, as text."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            if not columns:
                continue
            for row in db.session.execute(select(*columns)).all():
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        text = (
                            value
                            if isinstance(value, str)
                            else json.dumps(value, ensure_ascii=False)
                        )
                        found.append((table.name, column.name, text))
    return found


def _traces(app, *secrets: str) -> list[tuple[str, str]]:
    return [
        (table, column)
        for table, column, text in _text_values(app)
        for secret in secrets
        if secret and secret.casefold() in text.casefold()
    ]


def _counts(app, client) -> dict:
    with app.app_context():
        return {
            "comments": db.session.scalar(select(db.func.count(Comment.id))),
            "ballots": db.session.scalar(select(db.func.count(Ballot.id))),
            "results": [
                (r.case_id, r.snapshot["ballots"], len(r.snapshot["votes"]))
                for r in db.session.scalars(select(VoteResult).order_by(VoteResult.case_id))
            ],
        }


def test_demo_member_deletes_the_account_and_leaves_no_trace(app, seeded, client_as, client):
    user = _demo_user(app)
    before = _counts(app, client)
    assert _traces(app, user.email, user.display_name)
    with app.app_context():
        recommended = db.session.scalars(select(Case.id).where(Case.state == "recommended")).all()
    pages_before = {cid: client.get(f"/cases/{cid}").status_code for cid in recommended}
    owner = client_as(user)
    assert "Tidligere medlem" in page_text(owner.get("/profile/delete"))
    wrong = owner.post("/profile/delete", data={"password": "forkert", "confirm": "y"})
    assert wrong.status_code == 200 and "Adgangskoden er ikke korrekt." in page_text(wrong)
    response = owner.post("/profile/delete", data={"password": DEMO_PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert _traces(app, user.email, user.display_name) == []
    assert _counts(app, client) == before
    for cid, status in pages_before.items():
        assert client.get(f"/cases/{cid}").status_code == status
    assert owner.get("/profile").status_code == 302  # logged out
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account_deleted"))
        assert event.data["frozen_vote_results"] >= 1
        assert event.data["reason"]


def test_deleted_person_cannot_log_in_or_reset_and_can_register_anew(
    app, client_as, client, member
):
    client_as(member).post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    login = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert "Forkert e-mailadresse eller adgangskode." in page_text(login)
    client.post("/reset", data={"email": member.email})
    from thinktank.mail import outbox

    with app.app_context():
        assert not [m for m in outbox() if member.email in m["To"]]  # no reset link is sent
        assert db.session.scalar(select(User).where(User.email == member.email)) is None
    response = client.post(
        "/register",
        data={
            "email": member.email,
            "display_name": "Ny Person",
            "password": "en helt ny lang sætning",
            "confirm": "en helt ny lang sætning",
        },
    )
    assert response.status_code == 200
    assert client.post(mailed_link(app, "/register/"), data={}).status_code == 302
    with app.app_context():
        again = db.session.scalar(select(User).where(User.email == member.email))
        assert again.id != member.id and again.display_name == "Ny Person"


def test_organisation_and_interests_leave_frozen_results(
    app, make_user, client_as, make_vote_case, secretariat
):
    from tests.conftest import cast
    from thinktank.cases import lifecycle
    from thinktank.members.models import Interest, InterestKind
    from thinktank.transaction import transaction

    person = make_user(display_name="Xenia Unikanavn", organisation="Særlig Konsulent ApS")
    with app.app_context():
        db.session.add(
            Interest(
                user_id=person.id,
                kind=InterestKind.BOARD_SEAT,
                organisation="Hemmelig Bestyrelse A/S",
            )
        )
        db.session.commit()
    vote = make_vote_case()
    assert cast(client_as(person), vote.id, vote.positions[0], "Fordi.").status_code == 302
    with app.test_request_context("/"), transaction():
        lifecycle.transition(
            db.session.get(User, secretariat.id),
            db.session.get(Case, vote.id),
            "close_voting",
            reason="Test.",
        )
    secrets = ("Xenia Unikanavn", "Særlig Konsulent ApS", "Hemmelig Bestyrelse A/S", person.email)
    assert _traces(app, *secrets)
    client_as(person).post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    assert _traces(app, *secrets) == []
    with app.app_context():
        result = db.session.get(VoteResult, vote.id)
        assert result.snapshot["ballots"] == 1
        assert result.snapshot["votes"][0]["name"] == "Tidligere medlem"


def test_only_author_draft_goes_to_the_secretariat(app, client_as, member, secretariat, make_case):
    draft = make_case(state="draft")
    client_as(member).post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    with app.app_context():
        assert db.session.get(Case, draft.id).author_id == secretariat.id


def test_reader_becomes_slettet_bruger(app, client_as, reader):
    client_as(reader).post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    with app.app_context():
        assert db.session.get(User, reader.id).display_name == "Slettet bruger"


def test_deletion_needs_the_confirmation_box(app, client_as, member):
    response = client_as(member).post("/profile/delete", data={"password": PASSWORD})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(User, member.id).deleted_at is None


def test_admin_deletes_an_account_with_a_reason_and_it_is_audited(app, client_as, admin, member):
    client = client_as(admin)
    assert f'href="/admin/users/{member.id}/delete"' in client.get(
        f"/admin/users/{member.id}"
    ).get_data(as_text=True)
    no_reason = client.post(f"/admin/users/{member.id}/delete", data={"confirm": "y"})
    assert no_reason.status_code == 200
    response = client.post(
        f"/admin/users/{member.id}/delete",
        data={"reason": "Anmodning pr. e-mail 1. december", "confirm": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).deleted_at is not None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account_deleted"))
        assert event.actor_id == admin.id
        assert event.data["reason"] == "Anmodning pr. e-mail 1. december"
        assert event.data["by_admin"] is True


def test_deleting_many_comments_runs_a_bounded_number_of_queries(
    app, client_as, member, make_case, count_queries
):
    case = make_case(state="open")
    discussion_id = _discussion_id(app, case.id)
    with app.app_context():
        db.session.add_all(
            Comment(
                discussion_id=discussion_id,
                author_id=member.id,
                body=f"Kommentar {n}",
                body_html=f"<p>Kommentar {n}</p>",
            )
            for n in range(1000)
        )
        db.session.commit()
    client = client_as(member)
    with count_queries() as log:
        response = client.post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert log.count <= 40, str(log)


def test_mentions_of_a_deleted_person_no_longer_link(
    app, client_as, make_user, make_case, make_comment
):
    person = make_user(display_name="Vibeke Omtalt")
    other = make_user()
    case = make_case(state="open", visibility="public")
    comment = make_comment(case, other, "Enig med @[Vibeke Omtalt] her.")
    assert f'href="/members/{person.id}"' in comment.body_html
    client_as(person).post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    html = client_as(None).get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/members/{person.id}"' not in html
    assert "Vibeke Omtalt" not in html and "@Tidligere medlem" in html


def test_deleted_member_has_no_member_page_and_leaves_the_register(app, client_as, member):
    client_as(member).post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    anonymous = client_as(None)
    assert anonymous.get(f"/members/{member.id}").status_code == 404
    assert member.display_name not in page_text(anonymous.get("/members/"))


def test_an_account_is_deleted_only_once(app, client_as, admin, member):
    client = client_as(admin)
    data = {"reason": "Anmodning", "confirm": "y"}
    assert client.post(f"/admin/users/{member.id}/delete", data=data).status_code == 302
    again = client.post(f"/admin/users/{member.id}/delete", data=data)
    assert again.status_code == 200 and "Kontoen er allerede slettet." in page_text(again)
    with app.app_context():
        assert (
            db.session.scalar(select(db.func.count()).where(AuditEvent.action == "account_deleted"))
            == 1
        )


def test_deletion_removes_follows_preferences_digests_reminders_and_mail(
    app, client_as, make_vote_case, member, secretariat
):
    from datetime import UTC, datetime

    from thinktank.mail import OutboxMessage, send_mail
    from thinktank.notifications.models import DigestSent, Follow, NotificationPreference
    from thinktank.voting.models import ClosingReminder

    vote = make_vote_case()
    client = client_as(member)
    client.post(f"/cases/{vote.id}/follow", data={"follow": "1"})
    client.post("/profile/notifications", data={"mentions": "weekly"})
    client.post("/reset", data={"email": member.email})
    with app.test_request_context("/"):
        db.session.add(
            DigestSent(user_id=member.id, frequency="daily", period_start=datetime.now(UTC))
        )
        db.session.add(ClosingReminder(case_id=vote.id, user_id=member.id))
        # mail to someone else that names the person keeps going, without the name
        send_mail(
            secretariat.email, f"Svar fra {member.display_name}", f"{member.display_name} svarede"
        )
        db.session.commit()
    tables = (Follow, NotificationPreference, DigestSent, ClosingReminder)
    with app.app_context():
        for model in tables:
            assert db.session.scalar(select(db.func.count()).where(model.user_id == member.id))
    client.post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    with app.app_context():
        for model in tables:
            assert not db.session.scalar(select(db.func.count()).where(model.user_id == member.id))
        mail = db.session.scalars(select(OutboxMessage)).all()
        assert [m.recipient for m in mail] == [secretariat.email]
        assert mail[0].subject == "Svar fra Tidligere medlem"
        assert member.display_name not in mail[0].text_body + mail[0].html_body


@pytest.mark.parametrize(
    ("language", "label", "other"),
    [("da", "Tidligere medlem", "Former member"), ("en", "Former member", "Tidligere medlem")],
)
def test_the_deleted_persons_label_is_in_the_readers_language(
    app, make_user, client_as, make_vote_case, make_comment, secretariat, language, label, other
):
    from tests.conftest import cast
    from thinktank.cases import lifecycle
    from thinktank.transaction import transaction

    person = make_user(display_name="Xenia Unikanavn")
    vote = make_vote_case(visibility="public")
    with app.app_context():
        case = db.session.get(Case, vote.id)
        db.session.expunge(case)
    make_comment(case, person, body="Min holdning er klar.")
    assert cast(client_as(person), vote.id, vote.positions[0], "Fordi.").status_code == 302
    with app.test_request_context("/"), transaction():
        lifecycle.transition(
            db.session.get(User, secretariat.id),
            db.session.get(Case, vote.id),
            "close_voting",
            reason="Test.",
        )
    client_as(person).post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    reader = app.test_client()
    reader.get(f"/language/{language}?next=/")
    html = reader.get(f"/cases/{vote.id}").get_data(as_text=True)
    thread = html.split('class="comment-author"', 1)[1].split("</h3>", 1)[0]
    assert label in thread and other not in thread
    votes = html.split('class="vote-who"', 1)[1].split("</p>", 1)[0]
    assert label in votes and other not in votes
    assert "Xenia Unikanavn" not in html
    with app.app_context():  # what is stored stays the Danish label (the API gives it so)
        assert db.session.get(User, person.id).display_name == "Tidligere medlem"


def test_a_deleted_readers_label_in_english(app, client_as, reader):
    from thinktank.accounts.names import shown_name

    client_as(reader).post("/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    with app.test_request_context("/"):
        from flask_babel import force_locale

        user = db.session.get(User, reader.id)
        with force_locale("en"):
            assert (
                shown_name(user) == "Deleted user"
                and shown_name("Slettet bruger") == "Deleted user"
            )
            assert shown_name("Tidligere medlem") == "Former member"
            assert shown_name("Anne Andersen") == "Anne Andersen" and shown_name(None) == ""
        with force_locale("da"):
            assert shown_name(user) == "Slettet bruger"
