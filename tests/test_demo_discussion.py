"""seed-demo's discussions: argued threads on the open and voting cases, with an edit, a
removal, an open flag and a mention, exactly as the discussion service would leave them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tests.conftest import page_text
from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.demo import (
    CHATBOT,
    CHILD_WELFARE,
    CROSS_SECTOR_DATA,
    DAYCARE_SUBSIDY,
    DEMO_DISCUSSIONS,
    REHABILITATION_AIDS,
    UNEMPLOYMENT,
)
from thinktank.discussion.models import (
    Comment,
    CommentRevision,
    Discussion,
    Flag,
    FlagReason,
    Removal,
)
from thinktank.extensions import db

REMOVED_DETAILS = ("Else Marie Kjær", "Birkevej", "brækkede hoften")


def _case(app, demo) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.title == demo.content.title))
        db.session.expunge(case)
    return case


def _user(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
    return user


def _comments(app, demo=None) -> list[Comment]:
    """The seeded comments (of one case's discussion), with their authors, detached."""
    with app.app_context():
        query = select(Comment).options(joinedload(Comment.author)).order_by(Comment.id)
        if demo is not None:
            query = query.join(Discussion).where(
                Discussion.subject_type == "case", Discussion.subject_id == _case(app, demo).id
            )
        comments = db.session.scalars(query).unique().all()
        db.session.expunge_all()
    return list(comments)


def test_voting_and_open_cases_get_argued_threads_by_several_members(app, seeded):
    assert f"{sum(len(d.remarks) for d in DEMO_DISCUSSIONS)} demo comments created" in seeded
    for demo in (UNEMPLOYMENT, REHABILITATION_AIDS):
        comments = _comments(app, demo)
        assert 8 <= len(comments) <= 15
        assert any(comment.parent_id for comment in comments)
        assert len({comment.author.email for comment in comments}) >= 5
        assert all(comment.body_html.startswith("<p>") for comment in comments)
    for demo in (CROSS_SECTOR_DATA, CHILD_WELFARE):
        assert _comments(app, demo) == []


def test_closed_cases_were_discussed_while_they_were_open(app, seeded):
    for demo in (CHATBOT, DAYCARE_SUBSIDY):
        comments = _comments(app, demo)
        assert 5 <= len(comments) <= 8
        assert max(comment.depth for comment in comments) >= 2
        assert len({comment.author.email for comment in comments}) >= 5
        with app.app_context():
            case = db.session.scalar(
                select(Case)
                .where(Case.title == demo.content.title)
                .options(selectinload(Case.transitions))
            )
            moves = {step.action: step.created_at for step in case.transitions}
        assert all(moves["open"] < c.created_at < moves["start_voting"] for c in comments)


def test_threads_nest_deeply_and_replies_come_after_what_they_answer(app, seeded):
    comments = _comments(app)
    by_id = {comment.id: comment for comment in comments}
    assert max(comment.depth for comment in comments) >= 3
    for comment in comments:
        if comment.parent_id:
            parent = by_id[comment.parent_id]
            assert comment.depth == parent.depth + 1
            assert comment.created_at > parent.created_at
    assert len({comment.created_at.date() for comment in comments}) >= 5


def test_anonymous_reader_sees_the_discussion_on_the_case_page(app, seeded, client):
    text = page_text(client.get(f"/cases/{_case(app, UNEMPLOYMENT).id}"))
    assert "vis kategorien efter den første samtale, ikke før." in text
    assert "Fatima Khalil" in text and "Sofie Lund" in text


def test_one_comment_is_edited_once_and_its_earlier_text_is_kept(app, seeded, client_as, member):
    edited = [comment for comment in _comments(app) if comment.edited_at]
    assert len(edited) == 1
    comment = edited[0]
    assert comment.revision_count == 2 and "kalibreret" in comment.body
    with app.app_context():
        revisions = db.session.scalars(select(CommentRevision)).all()
    assert [revision.comment_id for revision in revisions] == [comment.id]
    assert "kalibreret" not in revisions[0].body
    client = client_as(member)
    assert "redigeret" in page_text(client.get(f"/cases/{_case(app, UNEMPLOYMENT).id}"))
    history = page_text(client.get(f"/comments/{comment.id}/history"))
    assert history.count("To ting bør være på plads") == 2 and "kalibreret" in history


def test_secretariat_removed_a_comment_with_a_citizens_details_for_every_role(
    app, seeded, client_as, reader, member, secretariat, admin
):
    removed = [comment for comment in _comments(app) if comment.is_removed]
    assert len(removed) == 1
    comment = removed[0]
    assert comment.removal == Removal.MODERATOR
    assert comment.removed_by_id == _user(app, "sekretariat@kl-demo.dk").id
    assert all(detail in comment.body for detail in REMOVED_DETAILS)  # kept for the audit
    url = f"/cases/{_case(app, REHABILITATION_AIDS).id}"
    for who in (None, reader, member, secretariat, admin, _user(app, "ekspert1@kl-demo.dk")):
        page = client_as(who).get(url)
        html = page.get_data(as_text=True)
        assert not any(detail in html for detail in REMOVED_DETAILS), who
        assert "Kommentaren er fjernet af sekretariatet" in page_text(page)
        assert f'id="c{comment.id}"' in html  # the thread keeps its shape
    assert "faldregistreringen kun fanger de fald" in page_text(client_as(None).get(url))


def test_a_readers_flag_waits_in_the_moderation_queue(app, seeded, client_as, secretariat):
    with app.app_context():
        flags = db.session.scalars(select(Flag).options(joinedload(Flag.flagger))).all()
        db.session.expunge_all()
    assert len(flags) == 1
    flag = flags[0]
    assert flag.resolved_at is None and flag.reason == FlagReason.OTHER
    assert flag.flagger.email == "laeser@kl-demo.dk"
    queue = page_text(client_as(secretariat).get("/moderation/"))
    assert "forklaringsmodul" in queue and "Karin Madsen" in queue
    assert UNEMPLOYMENT.content.title in queue


def test_mentioned_member_is_notified(app, seeded, client_as):
    anders = client_as(_user(app, "ekspert1@kl-demo.dk"))
    notifications = page_text(anders.get("/notifications"))
    assert f"Peter Nielsen nævnte dig i »{UNEMPLOYMENT.content.title}«" in notifications
    louise = page_text(client_as(_user(app, "ekspert4@kl-demo.dk")).get("/notifications"))
    assert f"Jens Kristensen nævnte dig i »{REHABILITATION_AIDS.content.title}«" in louise


def test_running_seed_demo_twice_adds_no_comments(app, seeded):
    before = len(_comments(app))
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "0 demo comments created" in again.output
    assert len(_comments(app)) == before
    with app.app_context():
        assert len(db.session.scalars(select(Flag)).all()) == 1
        assert len(db.session.scalars(select(CommentRevision)).all()) == 1
