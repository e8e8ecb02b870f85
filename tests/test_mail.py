"""E-mail through the outbox, delivered over a real SMTP server in the test process."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.extensions import db
from thinktank.mail import FAILED, PENDING, SENT, OutboxMessage, deliver_pending, send_mail
from thinktank.markup import render_markdown
from thinktank.models import utcnow
from thinktank.notifications.models import Notification, NotificationPreference
from thinktank.recommendations.models import Recommendation
from thinktank.transaction import transaction


def _send_once(app) -> str:
    result = app.test_cli_runner().invoke(args=["send-mail", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def _publish_version_2(app, recommendation_id: int, staff_id: int) -> None:
    from thinktank.recommendations import service

    with app.test_request_context("/"), transaction():
        staff = db.session.get(User, staff_id)
        recommendation = db.session.get(Recommendation, recommendation_id)
        recommendation.body = "## Anbefaling\n\nBrug kun rådgivende modeller, og forklar dem."
        recommendation.body_html = str(render_markdown(recommendation.body))
        service.publish(staff, recommendation, "Forklaringskrav tilføjet")


def _follow(client, recommendation_id: int):
    response = client.post(f"/recommendations/{recommendation_id}/follow", data={"follow": "1"})
    assert response.status_code == 302
    return response


def _link(message, prefix: str) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S*)", body).group(1)


# --- the e-mail itself --------------------------------------------------------------------


def test_a_follower_gets_the_new_version_by_smtp_in_danish_with_both_bodies_and_headers(
    smtp_app, smtp, make_recommendation, reader, secretariat
):
    app = smtp_app
    recommendation = make_recommendation(status="published", title="Rådgivende modeller")
    client = app.test_client()
    from tests.conftest import login

    login(client, reader)
    assert "Du følger nu" in page_text(client.get(_follow(client, recommendation.id).location))
    _publish_version_2(app, recommendation.id, secretariat.id)
    assert smtp.messages == []  # nothing is sent inside the act
    _send_once(app)

    (message,) = smtp.to(reader.email)
    assert message["Subject"] == "Ny version af anbefalingen »Rådgivende modeller«"
    assert message["Content-Language"] == "da"
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<http://localhost/unsubscribe/\S+>", message["List-Unsubscribe"])
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Version 2 af anbefalingen »Rådgivende modeller« er udgivet" in text
    assert (
        "fordi du følger denne anbefaling" in text
        and "http://localhost/profile/notifications" in text
    )
    assert '<html lang="da">' in html and 'href="http://localhost/recommendations/' in html
    diff = client.get(_link(message, f"/recommendations/{recommendation.id}/diff"))
    assert diff.status_code == 200 and "fra version 1 til version 2" in page_text(diff)
    assert "forklar dem" in page_text(diff) and "Forklaringskrav tilføjet" in page_text(diff)
    # nobody is told of their own act: the secretariat published it
    assert smtp.to(secretariat.email) == []


def test_the_e_mail_is_in_the_recipients_language(
    smtp_app, smtp, make_recommendation, make_user, secretariat
):
    english = make_user(Role.READER, locale="en")
    recommendation = make_recommendation(status="published", title="Advisory models")
    client = smtp_app.test_client()
    from tests.conftest import login

    login(client, english)
    _follow(client, recommendation.id)
    _publish_version_2(smtp_app, recommendation.id, secretariat.id)
    _send_once(smtp_app)
    (message,) = smtp.to(english.email)
    assert message["Subject"] == "New version of the recommendation “Advisory models”"
    assert message["Content-Language"] == "en"
    assert "because you follow this recommendation" in message.get_body(("plain",)).get_content()


def test_invitations_and_resets_go_through_the_outbox_to_smtp(
    smtp_app, smtp, client_as, secretariat
):
    client = client_as(secretariat)
    client.post("/invitations/", data={"email": "ny@aarhus.dk", "role": "member"})
    with smtp_app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    assert smtp.messages == []
    _send_once(smtp_app)
    (message,) = smtp.to("ny@aarhus.dk")
    assert "/invite/" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None and message["Message-ID"]


# --- unsubscribe --------------------------------------------------------------------------


def test_one_click_unsubscribe_without_a_session_turns_off_exactly_that_kind(
    smtp_app, smtp, make_recommendation, reader, secretariat
):
    recommendation = make_recommendation(status="published")
    client = smtp_app.test_client()
    from tests.conftest import login

    login(client, reader)
    _follow(client, recommendation.id)
    _publish_version_2(smtp_app, recommendation.id, secretariat.id)
    _send_once(smtp_app)
    (message,) = smtp.to(reader.email)
    path = message["List-Unsubscribe"].strip("<>").removeprefix("http://localhost")

    stranger = smtp_app.test_client()  # no session, no CSRF token: as a mail program posts
    confirm = stranger.get(path)
    assert confirm.status_code == 200 and "Stop disse e-mails" in page_text(confirm)
    done = stranger.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    with smtp_app.app_context():
        rows = db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == reader.id)
        ).all()
        assert [(row.kind, row.delivery) for row in rows] == [("recommendation_changes", "never")]
    assert stranger.post(path[:-3] + "xyz").status_code == 400  # tampered
    assert stranger.get("/unsubscribe/not-a-token").status_code == 400


def test_an_unsubscribed_kind_sends_no_more_mail_but_stays_in_the_app(
    smtp_app, smtp, make_recommendation, reader, secretariat
):
    from thinktank.notifications import service

    recommendation = make_recommendation(status="published")
    with smtp_app.app_context(), transaction():
        service.unsubscribe(reader.id, "recommendation_changes")
    client = smtp_app.test_client()
    from tests.conftest import login

    login(client, reader)
    _follow(client, recommendation.id)
    _publish_version_2(smtp_app, recommendation.id, secretariat.id)
    _send_once(smtp_app)
    assert smtp.to(reader.email) == []
    assert "Version 2 af anbefalingen" in page_text(client.get("/notifications"))


# --- preferences --------------------------------------------------------------------------


def test_preferences_are_saved_per_kind_and_a_reader_sees_only_what_following_brings(
    app, role_clients
):
    member = role_clients["member"]
    page = page_text(member.get("/profile/notifications"))
    assert "Nogen nævner dig" in page and "Påmindelser om afstemninger" in page
    saved = member.post(
        "/profile/notifications",
        data={
            "mentions": "never",
            "replies": "weekly",
            "voting": "immediately",
            "review": "daily",
            "case_changes": "weekly",
            "recommendation_changes": "daily",
            "invitations": "never",
        },
    )
    assert saved.status_code == 302
    again = member.get("/profile/notifications").get_data(as_text=True)
    assert re.search(r'value="weekly"[^>]*checked|checked[^>]*value="weekly"', again)
    reader_page = page_text(role_clients["reader"].get("/profile/notifications"))
    assert "Nogen nævner dig" not in reader_page and "En sag, du følger" in reader_page
    bad = member.post("/profile/notifications", data={"mentions": "hourly"})
    assert bad.status_code == 400
    assert role_clients["anonymous"].get("/profile/notifications").status_code == 302
    assert role_clients["anonymous"].get("/profile/following").status_code == 302


def test_the_preferences_and_following_pages_are_linked_from_the_profile(role_clients):
    profile = role_clients["reader"].get("/profile").get_data(as_text=True)
    assert 'href="/profile/following"' in profile and 'href="/profile/notifications"' in profile


# --- following ----------------------------------------------------------------------------


def test_follow_and_unfollow_a_case_from_its_page_and_see_it_listed(
    app, role_clients, make_case, reader
):
    case = make_case(state="open", visibility="public", title="Chatbot i borgerservice")
    client = role_clients["reader"]
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'action="/cases/{case.id}/follow"' in page and "Følg denne sag" in page
    client.post(f"/cases/{case.id}/follow", data={"follow": "1"})
    assert "Chatbot i borgerservice" in page_text(client.get("/profile/following"))
    assert "Stop med at følge" in page_text(client.get(f"/cases/{case.id}"))
    client.post(f"/cases/{case.id}/follow", data={"follow": "0"})
    assert "Chatbot i borgerservice" not in page_text(client.get("/profile/following"))
    anonymous = role_clients["anonymous"]
    assert f"/cases/{case.id}/follow" not in anonymous.get(f"/cases/{case.id}").get_data(
        as_text=True
    )
    assert anonymous.post(f"/cases/{case.id}/follow", data={"follow": "1"}).status_code == 302


def test_a_reader_cannot_follow_a_members_only_case(app, role_clients, make_case):
    case = make_case(state="open", visibility="members")
    refused = role_clients["reader"].post(f"/cases/{case.id}/follow", data={"follow": "1"})
    assert refused.status_code in (403, 404)
    allowed = role_clients["member"].post(f"/cases/{case.id}/follow", data={"follow": "1"})
    assert allowed.status_code == 302


def test_following_without_a_csrf_token_is_refused(make_app, make_case, reader):
    strict = make_app(WTF_CSRF_ENABLED=True)
    case = make_case(state="open", visibility="public")
    from tests.conftest import login

    client = login(strict.test_client(), reader)
    refused = client.post(f"/cases/{case.id}/follow", data={"follow": "1"}, csrf=False)
    assert refused.status_code == 400


def test_authors_commenters_and_voters_follow_automatically(
    app, make_case, make_comment, make_user, make_vote_case, client_as, member
):
    from tests.conftest import cast
    from thinktank.notifications.models import Follow

    author = make_user(Role.MEMBER)
    case = make_case(author=author, state="open")
    commenter = make_user(Role.MEMBER)
    make_comment(case, commenter, "Et godt spørgsmål")
    voting = make_vote_case()
    voter = make_user(Role.MEMBER)
    cast(client_as(voter), voting.id, "abstain")
    with app.app_context():
        follows = set(db.session.execute(select(Follow.user_id, Follow.case_id)).all())
    assert {(author.id, case.id), (commenter.id, case.id), (voter.id, voting.id)} <= follows


# --- events -------------------------------------------------------------------------------


def test_voting_opens_tells_each_eligible_member_once_and_followers_who_are_not(
    app, make_case, make_user, client_as, secretariat, reader
):
    from thinktank.cases.models import Case
    from thinktank.voting.service import PositionInput, add_position, start_voting

    case = make_case(state="open", visibility="public")
    client_as(reader).post(f"/cases/{case.id}/follow", data={"follow": "1"})
    member = db_user(app, case.author_id)
    with app.test_request_context("/"), transaction():
        staff = db.session.get(User, secretariat.id)
        loaded = db.session.get(Case, case.id)
        for title in ("Ja", "Nej"):
            add_position(staff, loaded, PositionInput(title, ""))
        start_voting(staff, loaded, closes_at=None, open_results=False)
    with app.app_context():
        rows = [
            tuple(row)
            for row in db.session.execute(select(Notification.user_id, Notification.kind))
        ]
    assert (member.id, "voting_opened") in rows
    assert (member.id, "voting_started") not in rows  # the author follows, but is told once
    assert (reader.id, "voting_started") in rows and (reader.id, "voting_opened") not in rows
    assert all(user_id != secretariat.id for user_id, _kind in rows)  # not of one's own act
    assert len(rows) == len(set(rows))


def db_user(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_reminders_go_only_to_eligible_members_who_have_not_voted_and_only_once(
    app, make_vote_case, make_user, client_as, reader
):
    from tests.conftest import cast
    from thinktank.voting.reminders import send_closing_reminders

    voted = make_user(Role.MEMBER)
    waiting = make_user(Role.MEMBER)
    case = make_vote_case(closes_at=utcnow() + timedelta(hours=12))
    cast(client_as(voted), case.id, "abstain")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["send-reminders"]).exit_code == 0
    assert "0 reminders" in runner.invoke(args=["send-reminders"]).output  # idempotent
    with app.app_context():
        reminded = set(
            db.session.scalars(
                select(Notification.user_id).where(Notification.kind == "voting_closing")
            )
        )
        assert waiting.id in reminded and voted.id not in reminded and reader.id not in reminded
        outbox = db.session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.recipient == waiting.email)
        ).all()
        assert any("lukker i morgen" in subject for subject in outbox)
        with transaction():
            assert send_closing_reminders() == 0


def test_a_vote_closing_in_more_than_24_hours_reminds_nobody_yet(app, make_vote_case):
    from thinktank.voting.reminders import send_closing_reminders

    make_vote_case(closes_at=utcnow() + timedelta(hours=30))
    with app.app_context(), transaction():
        assert send_closing_reminders() == 0
        assert send_closing_reminders(utcnow() + timedelta(hours=7)) > 0


def test_the_inviter_is_told_once_when_the_invitation_is_accepted(app, client_as, secretariat):
    from tests.conftest import mailed_link

    client_as(secretariat).post("/invitations/", data={"email": "ny@aarhus.dk", "role": "member"})
    link = mailed_link(app, "/invite/")
    app.test_client().post(
        link,
        data={
            "display_name": "Ny Person",
            "organisation": "Aarhus Kommune",
            "sector": "municipality",
            "password": "et-langt-og-godt-kodeord",
            "confirm": "et-langt-og-godt-kodeord",
        },
    )
    with app.app_context():
        told = db.session.execute(
            select(Notification.user_id, Notification.kind).where(
                Notification.kind == "invitation_accepted"
            )
        ).all()
    assert told == [(secretariat.id, "invitation_accepted")]


# --- the outbox ---------------------------------------------------------------------------


def test_a_rolled_back_act_leaves_no_outbox_row(app):
    with app.app_context():
        with pytest.raises(RuntimeError), transaction():
            send_mail("a@b.dk", "Emne", "Tekst")
            raise RuntimeError("the act failed")
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_temporary_failure_is_retried_with_back_off_and_delivered_once(smtp_app, smtp):
    smtp.refuse = ["451 4.3.0 Try again later"]
    with smtp_app.app_context():
        with transaction():
            send_mail("a@aarhus.dk", "Emne", "Tekst")
        assert deliver_pending() == (0, 1)
        row = db.session.scalar(select(OutboxMessage))
        assert row.status == PENDING and row.attempts == 1 and "451" in row.last_error
        assert row.next_attempt_at > utcnow() + timedelta(seconds=50)
        assert deliver_pending() == (0, 0)  # not due yet
        with transaction():
            row.next_attempt_at = utcnow()
        assert deliver_pending() == (1, 0)
        assert deliver_pending() == (0, 0)
        assert db.session.scalar(select(OutboxMessage.status)) == SENT
    assert len(smtp.to("a@aarhus.dk")) == 1


def test_a_permanent_failure_is_recorded_and_shown_to_admins(smtp_app, smtp, make_user, client_as):
    smtp.refuse = ["550 5.1.1 No such user"]
    with smtp_app.app_context():
        with transaction():
            send_mail("ingen@aarhus.dk", "Emne til ingen", "Tekst")
        deliver_pending()
        assert db.session.scalar(select(OutboxMessage.status)) == FAILED
    admin = client_as(make_user(Role.ADMIN))
    assert 'href="/admin/mail"' in admin.get("/admin/audit").get_data(as_text=True)
    page = page_text(admin.get("/admin/mail"))
    assert "ingen@aarhus.dk" in page and "550" in page
    for role in (Role.READER, Role.MEMBER, Role.SECRETARIAT):
        assert client_as(make_user(role)).get("/admin/mail").status_code == 403
    assert client_as(None).get("/admin/mail").status_code == 302


def test_two_senders_at_once_deliver_each_message_exactly_once(smtp_app, smtp):
    with smtp_app.app_context(), transaction():
        for number in range(40):
            send_mail(f"m{number}@aarhus.dk", f"Emne {number}", "Tekst")
    errors = []
    start = threading.Barrier(2)

    def sender():
        try:
            with smtp_app.app_context():
                start.wait()
                while deliver_pending(limit=5) != (0, 0):
                    pass
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    recipients = [m["To"] for m in smtp.messages]
    assert sorted(recipients) == sorted(f"m{number}@aarhus.dk" for number in range(40))


# --- digests ------------------------------------------------------------------------------


def test_the_daily_digest_groups_by_case_is_sent_once_and_skips_empty_periods(
    app, make_case, make_user, client_as
):
    from thinktank.notifications.digests import send_digests
    from thinktank.notifications.service import notify_many

    follower = make_user(Role.MEMBER)
    first = make_case(state="open", title="Chatbot")
    second = make_case(state="open", title="Profilering")
    now = utcnow()
    yesterday = now - timedelta(days=1)
    with app.test_request_context("/"), transaction():
        for case, kind in (
            (first, "voting_started"),
            (second, "voting_closed"),
            (first, "voting_closed"),
        ):
            notify_many([follower.id], kind, actor=None, url=f"/cases/{case.id}", title=case.title)
        db.session.flush()
        for notification in db.session.scalars(select(Notification)):
            notification.created_at = yesterday
    with app.app_context():
        with transaction():
            assert send_digests(now)["daily"] >= 1
        with transaction():
            assert send_digests(now) == {"daily": 0, "weekly": 0}  # once per period
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == follower.email)
        ).all()
        (digest,) = [m for m in mails if "daglige" in m.subject]
        assert digest.text_body.index("Chatbot") < digest.text_body.index("Profilering")
        assert digest.text_body.count("Chatbot\n") == 1  # one heading for both of its events
        with transaction():
            assert send_digests(now + timedelta(days=1))["daily"] == 0  # nothing that day


# --- the notification list ----------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 25])
def test_the_notification_list_and_header_count_run_a_fixed_number_of_queries(
    app, client_as, member, make_user, count_queries, count
):
    from thinktank.notifications.service import notify_many

    actor = make_user(Role.MEMBER)
    with app.test_request_context("/"), transaction():
        for number in range(count):
            notify_many(
                [member.id],
                "mention",
                actor=db.session.get(User, actor.id),
                url="/",
                title=f"T{number}",
            )
    client = client_as(member)
    client.get("/notifications")
    with count_queries() as log:
        assert client.get("/notifications").status_code == 200
    assert log.count <= 8


# --- a confirmed address ------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.READER, Role.MEMBER, Role.SECRETARIAT, Role.ADMIN])
def test_an_unconfirmed_address_cannot_follow_or_choose_email_but_can_stop_following(
    app, client_as, make_user, make_case, make_recommendation, role
):
    from thinktank.notifications.models import Follow

    user = make_user(role, email_verified_at=None)
    client = client_as(user)
    case = make_case(state="open", visibility="public")
    recommendation = make_recommendation("published")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'action="/cases/{case.id}/follow"' not in page
    assert "Din e-mailadresse er ikke bekræftet endnu" in page and 'href="/reset"' in page
    assert client.post(f"/cases/{case.id}/follow", data={"follow": "1"}).status_code == 403
    followed = f"/recommendations/{recommendation.id}/follow"
    assert client.post(followed, data={"follow": "1"}).status_code == 403
    preferences = client.get("/profile/notifications")
    assert preferences.status_code == 200
    assert "Din e-mailadresse er ikke bekræftet endnu" in page_text(preferences)
    assert 'name="mentions"' not in preferences.get_data(as_text=True)
    assert client.post("/profile/notifications", data={"mentions": "never"}).status_code == 403
    with app.app_context():  # followed automatically before: stopping still works
        db.session.add(Follow(user_id=user.id, case_id=case.id, created_at=utcnow()))
        db.session.commit()
    assert "Stop med at følge" in page_text(client.get(f"/cases/{case.id}"))
    assert client.post(f"/cases/{case.id}/follow", data={"follow": "0"}).status_code == 302
    with app.app_context():
        assert not db.session.scalar(select(func.count()).where(Follow.user_id == user.id))


def test_a_confirmed_address_follows_and_chooses(client_as, member, make_case):
    case = make_case(state="open", visibility="public")
    client = client_as(member)
    assert f'action="/cases/{case.id}/follow"' in client.get(f"/cases/{case.id}").get_data(
        as_text=True
    )
    assert client.post(f"/cases/{case.id}/follow", data={"follow": "1"}).status_code == 302
    assert 'name="mentions"' in client.get("/profile/notifications").get_data(as_text=True)


def test_no_email_goes_to_an_unconfirmed_address(app, make_user, member):
    from thinktank.notifications.service import notify

    unconfirmed = make_user(Role.MEMBER, email_verified_at=None)
    with app.test_request_context("/"), transaction():
        actor = db.session.get(User, member.id)
        for user_id in (unconfirmed.id, member.id):
            notify(
                user_id,
                "mention",
                actor=actor if user_id != member.id else None,
                url="/x",
                title="Sag",
            )
    with app.app_context():
        recipients = db.session.scalars(select(OutboxMessage.recipient)).all()
        assert recipients == [member.email]  # the in-app notification still reaches both
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 2


def test_demo_accounts_have_confirmed_addresses(app, seeded):
    with app.app_context():
        users = db.session.scalars(select(User)).all()
        assert users and all(user.email_verified_at is not None for user in users)
