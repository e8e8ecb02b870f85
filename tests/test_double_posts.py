"""A form sent twice (a double click) makes one comment, position, case or draft, not two."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.discussion import service as discussion
from thinktank.discussion.models import Comment
from thinktank.double_posts import WINDOW
from thinktank.extensions import db
from thinktank.transaction import transaction


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _age(app, model, seconds: float) -> None:
    """Make every ``model`` row ``seconds`` older, as if it was made that long ago."""
    with app.app_context():
        for row in db.session.scalars(select(model)):
            row.created_at -= timedelta(seconds=seconds)
        db.session.commit()


def _post_comment(client, case, body, **extra):
    return client.post(f"/discussions/case/{case.id}/comments", data={"body": body, **extra})


# --- comments ----------------------------------------------------------------------------


def test_a_comment_sent_twice_is_posted_once_and_both_land_on_it(app, client_as, member, make_case):
    case = make_case(state="open")
    client = client_as(member)
    first = _post_comment(client, case, "Modellen bør kun rådgive.")
    second = _post_comment(client, case, "Modellen bør kun rådgive.")
    assert _count(app, Comment) == 1
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id))
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Location"].endswith(f"#c{comment_id}")
    page = client.get(second.headers["Location"], follow_redirects=True)
    assert page_text(page).count("Modellen bør kun rådgive.") == 1


def test_a_reply_sent_twice_is_posted_once(
    app, client_as, member, make_user, make_case, make_comment
):
    case = make_case(state="open")
    parent = make_comment(case, make_user(Role.MEMBER), "Hvad med klageadgangen?")
    client = client_as(member)
    first = client.post(f"/comments/{parent.id}/reply", data={"body": "Den er uændret."})
    second = client.post(f"/comments/{parent.id}/reply", data={"body": "Den er uændret."})
    assert _count(app, Comment) == 2
    assert second.headers["Location"] == first.headers["Location"]


def test_a_different_text_is_a_new_comment(app, client_as, member, make_case):
    case = make_case(state="open")
    client = client_as(member)
    _post_comment(client, case, "Første tanke.")
    _post_comment(client, case, "Anden tanke.")
    assert _count(app, Comment) == 2


def test_the_same_text_after_the_window_is_a_new_comment(app, client_as, member, make_case):
    case = make_case(state="open")
    client = client_as(member)
    first = _post_comment(client, case, "Enig.")
    _age(app, Comment, WINDOW.total_seconds() + 1)
    second = _post_comment(client, case, "Enig.")
    assert _count(app, Comment) == 2
    assert second.headers["Location"] != first.headers["Location"]


def test_the_same_text_by_another_member_or_as_a_reply_is_a_new_comment(
    app, client_as, member, make_user, make_case
):
    case = make_case(state="open")
    _post_comment(client_as(member), case, "Enig.")
    _post_comment(client_as(make_user(Role.MEMBER)), case, "Enig.")
    with app.app_context():
        first = db.session.scalar(select(Comment).order_by(Comment.id))
    client_as(member).post(f"/comments/{first.id}/reply", data={"body": "Enig."})
    assert _count(app, Comment) == 3


def test_a_deleted_comment_can_be_posted_again(app, client_as, member, make_case):
    case = make_case(state="open")
    client = client_as(member)
    _post_comment(client, case, "Skrevet for hurtigt.")
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id))
    assert client.post(f"/comments/{comment_id}/delete", data={}).status_code == 302
    response = _post_comment(client, case, "Skrevet for hurtigt.")
    assert _count(app, Comment) == 2
    assert not response.headers["Location"].endswith(f"#c{comment_id}")


def test_comments_sent_at_the_same_instant_are_posted_once(
    app, member, make_user, make_case, make_comment
):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no row locks; the check runs one request after the other")
    case = make_case(state="open")
    make_comment(case, make_user(Role.MEMBER), "Den første.")  # the discussion exists
    barrier = threading.Barrier(6)
    errors: list[Exception] = []

    def send() -> None:
        with app.test_request_context("/"):
            try:
                author = db.session.get(User, member.id)
                barrier.wait(timeout=30)
                with transaction():  # one request: the lock is held until its commit
                    discussion.post(author, "case", case.id, "Samtidig.")
            except Exception as error:  # collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert _count(app, Comment) == 2


# --- positions ---------------------------------------------------------------------------

POSITION = {
    "position-title": "Ja, hvis borgeren kan anfægte sin kategori",
    "position-explanation": "Ret til indsigt.",
}


def _propose(client, case, **fields):
    return client.post(f"/cases/{case.id}/positions/new", data=POSITION | fields)


@pytest.mark.parametrize("who", ["member", "secretariat"])
def test_a_position_sent_twice_is_made_once(app, client_as, make_user, make_case, who):
    from thinktank.voting.models import Position

    case = make_case(state="open")
    client = client_as(make_user(Role(who)))
    first, second = _propose(client, case), _propose(client, case)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(app, Position) == 1


def test_a_different_position_or_one_after_the_window_is_a_new_one(
    app, client_as, member, make_case
):
    from thinktank.voting.models import Position

    case = make_case(state="open")
    client = client_as(member)
    _propose(client, case)
    _propose(client, case, **{"position-title": "Nej"})
    assert _count(app, Position) == 2
    _age(app, Position, WINDOW.total_seconds() + 1)
    _propose(client, case)
    assert _count(app, Position) == 3


# --- recommendation drafts ---------------------------------------------------------------


def test_a_recommendation_draft_sent_twice_is_one_draft(app, client_as, secretariat, make_case):
    from thinktank.recommendations.models import Recommendation

    case = make_case(state="closed")
    client = client_as(secretariat)
    draft = {"title": "Brug kun rådgivende modeller", "summary": "Kort.", "body": "Tekst."}
    first = client.post(f"/cases/{case.id}/recommendation", data=draft)
    second = client.post(f"/cases/{case.id}/recommendation", data=draft)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(app, Recommendation) == 1
    client.post(f"/cases/{case.id}/recommendation", data=draft | {"body": "Anden tekst."})
    assert _count(app, Recommendation) == 2


# --- cases -------------------------------------------------------------------------------


def test_a_new_case_sent_twice_is_one_draft_and_both_land_on_it(app, client_as, member):
    from tests.conftest import CASE_FORM
    from thinktank.cases.models import Case

    client = client_as(member)
    first = client.post("/cases/new", data=CASE_FORM)
    second = client.post("/cases/new", data=CASE_FORM)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(app, Case) == 1
    client.post("/cases/new", data=CASE_FORM | {"summary": "En anden sag."})
    assert _count(app, Case) == 2
    _age(app, Case, WINDOW.total_seconds() + 1)
    client.post("/cases/new", data=CASE_FORM)
    assert _count(app, Case) == 3
