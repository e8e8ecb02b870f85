"""Edits with kept history, removal that keeps the thread, flags and the moderation queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.audit.models import AuditEvent
from thinktank.discussion.models import Comment, CommentRevision, Flag, FlagResolution, Removal
from thinktank.extensions import db
from thinktank.transaction import transaction

SECRET = "Borgeren Jens Hansen, cpr 010203-1234, fik afslag"


def _comment(app, comment_id) -> Comment:
    with app.app_context():
        return db.session.get(Comment, comment_id)


def test_author_edits_and_earlier_texts_are_kept(app, client_as, member, make_case, make_comment):
    case = make_case(state="open")
    comment = make_comment(case, member, "Første udgave")
    client = client_as(member)
    assert client.get(f"/comments/{comment.id}/edit").status_code == 200
    client.post(f"/comments/{comment.id}/edit", data={"body": "Anden udgave"})
    client.post(f"/comments/{comment.id}/edit", data={"body": "Tredje udgave"})
    with app.app_context():
        earlier = db.session.scalars(
            select(CommentRevision.body).order_by(CommentRevision.number)
        ).all()
    assert earlier == ["Første udgave", "Anden udgave"]
    page = page_text(client.get(f"/cases/{case.id}"))
    assert "Tredje udgave" in page and "redigeret" in page and "Første udgave" not in page
    history = page_text(client.get(f"/comments/{comment.id}/history"))
    assert (
        history.index("Tredje udgave")
        < history.index("Anden udgave")
        < history.index("Første udgave")
    )


def test_only_the_author_edits(app, client_as, make_user, member, make_case, make_comment):
    case = make_case(state="open")
    comment = make_comment(case, member, "Min tekst")
    for role in (Role.MEMBER, Role.SECRETARIAT, Role.READER):
        other = client_as(make_user(role))
        assert (
            other.post(f"/comments/{comment.id}/edit", data={"body": "Overtaget"}).status_code
            == 403
        )
    assert _comment(app, comment.id).body == "Min tekst"


def test_no_edits_after_the_discussion_closed(
    app, client_as, member, make_case, make_comment, secretariat
):
    case = make_case(state="voting")
    comment = make_comment(case, member, "Min tekst")
    client_as(secretariat).post(f"/cases/{case.id}/transition", data={"move": "close_voting"})
    response = client_as(member).post(f"/comments/{comment.id}/edit", data={"body": "Ny"})
    assert response.status_code == 409
    assert _comment(app, comment.id).body == "Min tekst"


def test_history_is_for_members(client_as, make_user, member, make_case, make_comment):
    case = make_case(state="open", visibility="public")
    comment = make_comment(case, member, "Før")
    client_as(member).post(f"/comments/{comment.id}/edit", data={"body": "Efter"})
    assert (
        client_as(make_user(Role.READER)).get(f"/comments/{comment.id}/history").status_code == 403
    )
    assert client_as(None).get(f"/comments/{comment.id}/history").status_code == 302


def test_author_deletes_and_the_thread_keeps_its_shape(
    app, client_as, member, make_user, make_case, make_comment
):
    case = make_case(state="open", visibility="public")
    comment = make_comment(case, member, SECRET)
    reply = make_comment(
        case, make_user(Role.MEMBER), "Et svar, der bliver stående", parent=comment
    )
    client = client_as(member)
    assert client.post(f"/comments/{comment.id}/delete", data={}).status_code == 302
    stored = _comment(app, comment.id)
    assert stored.removal == Removal.AUTHOR and stored.body == SECRET  # kept for the audit
    page = client_as(None).get(f"/cases/{case.id}")
    text = page_text(page)
    assert "Kommentaren er fjernet af forfatteren" in text
    assert "Et svar, der bliver stående" in text and f'id="c{reply.id}"' in page.get_data(
        as_text=True
    )


def test_secretariat_removes_with_a_reason(
    app, client_as, member, secretariat, make_case, make_comment
):
    case = make_case(state="open", visibility="public")
    comment = make_comment(case, member, SECRET)
    client = client_as(secretariat)
    refused = client.post(f"/comments/{comment.id}/remove", data={"reason": ""})
    assert refused.status_code == 200 and "Giv en begrundelse" in page_text(refused)
    client.post(f"/comments/{comment.id}/remove", data={"reason": "Personoplysninger om en borger"})
    stored = _comment(app, comment.id)
    assert stored.removal == Removal.MODERATOR and stored.removed_by_id == secretariat.id
    text = page_text(client_as(None).get(f"/cases/{case.id}"))
    assert "Kommentaren er fjernet af sekretariatet" in text
    assert "Personoplysninger om en borger" in text
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "comment_removed"))
        assert event.actor_id == secretariat.id and event.public is False


def test_members_cannot_remove_others_comments(
    app, client_as, make_user, member, make_case, make_comment
):
    case = make_case(state="open")
    comment = make_comment(case, member, "Bliver")
    other = client_as(make_user(Role.MEMBER))
    assert other.post(f"/comments/{comment.id}/remove", data={"reason": "x"}).status_code == 403
    assert other.post(f"/comments/{comment.id}/delete", data={}).status_code == 403
    assert _comment(app, comment.id).removed_at is None


def test_removed_text_is_never_sent_to_the_browser(
    app, client_as, member, secretariat, admin, make_case, make_comment
):
    case = make_case(state="open", visibility="public")
    comment = make_comment(case, member, SECRET)
    make_comment(case, secretariat, "Svar", parent=comment)
    client_as(member).post(f"/comments/{comment.id}/edit", data={"body": SECRET + " (rettet)"})
    client_as(admin).post(f"/comments/{comment.id}/flag", data={"reason": "personal_data"})
    client_as(secretariat).post(
        f"/comments/{comment.id}/remove", data={"reason": "Personoplysninger"}
    )
    urls = [
        f"/cases/{case.id}",
        f"/cases/{case.id}?order=newest",
        f"/comments/{comment.id}",
        f"/comments/{comment.id}/history",
        f"/comments/{comment.id}/reply",
        f"/comments/{comment.id}/reply?quote=1",
        f"/comments/{comment.id}/edit",
        f"/comments/{comment.id}/remove",
        f"/comments/{comment.id}/flag",
        "/moderation/",
        "/notifications",
        "/log",
        "/admin/audit",
    ]
    for who in (None, member, secretariat, admin):
        client = client_as(who)
        for url in urls:
            response = client.get(
                url, follow_redirects=True, headers={"Accept": "application/json"}
            )
            assert "010203-1234" not in response.get_data(as_text=True), (who, url)
            response = client.get(url, follow_redirects=True)
            assert "010203-1234" not in response.get_data(as_text=True), (who, url)


def test_flag_once_only(app, client_as, make_user, member, make_case, make_comment):
    case = make_case(state="open", visibility="public")
    comment = make_comment(case, member, "Noget")
    reader = client_as(make_user(Role.READER))
    assert (
        reader.post(
            f"/comments/{comment.id}/flag", data={"reason": "offensive", "note": "Grimt"}
        ).status_code
        == 302
    )
    again = reader.post(f"/comments/{comment.id}/flag", data={"reason": "other"})
    assert again.status_code == 200 and "Du har allerede anmeldt denne kommentar." in page_text(
        again
    )
    assert "Du har anmeldt denne kommentar" in page_text(reader.get(f"/cases/{case.id}"))
    with app.app_context():
        assert len(db.session.scalars(select(Flag)).all()) == 1


def test_flag_needs_a_known_reason_and_a_login(
    client_as, member, make_user, make_case, make_comment
):
    case = make_case(state="open", visibility="public")
    comment = make_comment(case, member)
    reader = client_as(make_user(Role.READER))
    assert "Ikke et gyldigt valg." in page_text(
        reader.post(f"/comments/{comment.id}/flag", data={"reason": "boring"})
    )
    assert (
        client_as(None).post(f"/comments/{comment.id}/flag", data={"reason": "other"}).status_code
        == 302
    )
    assert (
        client_as(member).post(f"/comments/{comment.id}/flag", data={"reason": "other"}).status_code
        == 403
    )  # own


def test_moderation_queue_dismiss_and_remove(
    app, client_as, make_user, member, secretariat, make_case, make_comment
):
    case = make_case(state="open", visibility="public", title="Chatbot-sagen")
    question = make_comment(case, member, "Hvad med borgeren?")
    rude = make_comment(case, make_user(Role.MEMBER), "Et groft svar", parent=question)
    fine = make_comment(case, member, "Et sagligt indlæg")
    for target in (rude, fine):
        client_as(make_user(Role.READER)).post(
            f"/comments/{target.id}/flag", data={"reason": "offensive"}
        )
    staff = client_as(secretariat)
    queue = page_text(staff.get("/moderation/"))
    assert "Et groft svar" in queue and "Hvad med borgeren?" in queue and "Chatbot-sagen" in queue
    staff.post(f"/moderation/comments/{fine.id}/dismiss", data={})
    staff.post(f"/comments/{rude.id}/remove", data={"reason": "Groft sprog", "next": "queue"})
    assert "Ingen kommentarer venter på moderation." in page_text(staff.get("/moderation/"))
    with app.app_context():
        flags = {f.comment_id: f for f in db.session.scalars(select(Flag))}
        assert flags[fine.id].resolution == FlagResolution.DISMISSED
        assert flags[rude.id].resolution == FlagResolution.REMOVED
        assert {f.resolved_by_id for f in flags.values()} == {secretariat.id}
        assert all(f.resolved_at for f in flags.values())
    assert _comment(app, fine.id).removed_at is None


@pytest.mark.parametrize("role", [Role.READER, Role.MEMBER])
def test_queue_is_for_the_secretariat(client_as, make_user, role, member, make_case, make_comment):
    case = make_case(state="open")
    comment = make_comment(case, member)
    client = client_as(make_user(role))
    assert client.get("/moderation/").status_code == 403
    assert client.post(f"/moderation/comments/{comment.id}/dismiss", data={}).status_code == 403


def test_a_removed_comment_offers_no_reply_and_refuses_one(
    app, client_as, member, secretariat, make_user, make_case, make_comment
):
    case = make_case(state="open", visibility="public")
    removed = make_comment(case, member, "Fjernes")
    kept = make_comment(case, member, "Bliver")
    client_as(secretariat).post(f"/comments/{removed.id}/remove", data={"reason": "Off topic"})
    replier = client_as(make_user(Role.MEMBER))
    page = replier.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/comments/{kept.id}/reply" in page  # the link a reply would use, for a live comment
    assert f"/comments/{removed.id}/reply" not in page
    form = replier.get(f"/comments/{removed.id}/reply")
    assert form.status_code == 403
    assert "En fjernet kommentar kan ikke besvares." in page_text(form)
    assert 'name="body"' not in form.get_data(as_text=True)
    posted = replier.post(f"/comments/{removed.id}/reply", data={"body": "Mit svar"})
    assert posted.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Comment).where(Comment.parent_id == removed.id)) is None


def test_the_service_refuses_a_reply_to_a_removed_comment(
    app, member, secretariat, make_case, make_comment
):
    from thinktank.discussion import service
    from thinktank.errors import InvalidTransition

    case = make_case(state="open", visibility="public")
    removed = make_comment(case, member, "Fjernes")
    with app.test_request_context("/"):
        moderator = db.session.get(User, secretariat.id)
        with transaction():
            service.remove(moderator, removed.id, "Off topic")
    with pytest.raises(InvalidTransition):
        make_comment(case, member, "Mit svar", parent=removed)
    with app.app_context():
        assert db.session.scalar(select(Comment).where(Comment.parent_id == removed.id)) is None
