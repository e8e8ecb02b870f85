"""A long discussion in pages: top-level threads a page at a time, each with its first replies,
and a page of one thread with all of them. Every page costs the same few queries, whatever
its number or the size of the discussion; a comment's page is found by counting."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from thinktank.discussion.models import Comment
from thinktank.extensions import db
from thinktank.pagination import paginate

#: Top-level threads on a page of the discussion.
THREADS_PER_PAGE = 30
#: Replies shown under a thread on the discussion page; the others are on the thread's page.
REPLY_WINDOW = 10
#: Replies on a page of one thread.
REPLIES_PER_PAGE = 100


def _in_order(newest_first: bool) -> tuple:
    if newest_first:
        return Comment.created_at.desc(), Comment.id.desc()
    return Comment.created_at, Comment.id


def _before(created_at, comment_id: int):
    """Comments written before (created_at, comment_id), in the order threads are shown."""
    return or_(
        Comment.created_at < created_at,
        and_(Comment.created_at == created_at, Comment.id < comment_id),
    )


def threads(discussion_id: int, newest_first: bool) -> Pagination:
    """The page of top-level comments asked for by ``?page=`` (two queries)."""
    return paginate(
        select(Comment)
        .where(Comment.discussion_id == discussion_id, Comment.parent_id.is_(None))
        .options(joinedload(Comment.author))
        .order_by(*_in_order(newest_first)),
        per_page=THREADS_PER_PAGE,
    )


def first_replies(thread_ids: list[int]) -> tuple[list[Comment], dict[int, int]]:
    """The first :data:`REPLY_WINDOW` replies of each thread, oldest first, and how many
    replies each thread has in all (one query). The first replies of a thread always include
    the comments they answer, which are older."""
    if not thread_ids:
        return [], {}
    ranked = (
        select(
            Comment.id,
            func.row_number()
            .over(partition_by=Comment.thread_id, order_by=(Comment.created_at, Comment.id))
            .label("number"),
            func.count().over(partition_by=Comment.thread_id).label("total"),
        )
        .where(Comment.thread_id.in_(thread_ids))
        .subquery()
    )
    rows = db.session.execute(
        select(Comment, ranked.c.total)
        .join(ranked, ranked.c.id == Comment.id)
        .where(ranked.c.number <= REPLY_WINDOW)
        .options(joinedload(Comment.author))
    ).all()
    return [comment for comment, _total in rows], {
        comment.thread_id: total for comment, total in rows
    }


def replies(thread_id: int) -> Pagination:
    """The page of one thread's replies asked for by ``?page=``, oldest first (two queries)."""
    return paginate(
        select(Comment)
        .where(Comment.thread_id == thread_id)
        .options(joinedload(Comment.author))
        .order_by(Comment.created_at, Comment.id),
        per_page=REPLIES_PER_PAGE,
    )


def answered(replies_shown: list[Comment]) -> dict[int, Comment]:
    """The comments answered by ``replies_shown`` that are not among them (an earlier page of
    the thread), with their authors, so a reply can say whom it answers (one query, even
    when there are none, so every page of a thread costs the same)."""
    shown = {comment.id for comment in replies_shown}
    missing = {c.parent_id for c in replies_shown if c.parent_id not in shown} - {None}
    return {
        comment.id: comment
        for comment in db.session.scalars(
            select(Comment).where(Comment.id.in_(missing)).options(joinedload(Comment.author))
        )
    }


def totals(discussion_id: int) -> int:
    """The comments of a discussion that are still shown (removed ones left out)."""
    return db.session.scalar(
        select(func.count(Comment.id)).where(
            Comment.discussion_id == discussion_id, Comment.removed_at.is_(None)
        )
    )


def _page_number(position: int, per_page: int) -> int:
    return position // per_page + 1


def _with_page(url: str, number: int) -> str:
    if number <= 1:
        return url
    return f"{url}{'&' if '?' in url else '?'}page={number}"


def location(subject_url: str, comment: Comment) -> str:
    """Where ``comment`` is shown, as a link to it: the page of the discussion that holds its
    thread (oldest first, as a discussion opens), or for a reply beyond the first ones the
    page of its thread."""
    if comment.thread_id is not None:
        earlier = db.session.scalar(
            select(func.count(Comment.id)).where(
                Comment.thread_id == comment.thread_id,
                _before(comment.created_at, comment.id),
            )
        )
        if earlier >= REPLY_WINDOW:
            page = _page_number(earlier, REPLIES_PER_PAGE)
            url = url_for("discussion.thread", comment_id=comment.thread_id)
            return f"{_with_page(url, page)}#c{comment.id}"
        root: Any = db.session.execute(
            select(Comment.created_at, Comment.id).where(Comment.id == comment.thread_id)
        ).one()
    else:
        root = comment
    earlier_threads = db.session.scalar(
        select(func.count(Comment.id)).where(
            Comment.discussion_id == comment.discussion_id,
            Comment.parent_id.is_(None),
            _before(root.created_at, root.id),
        )
    )
    page = _page_number(earlier_threads, THREADS_PER_PAGE)
    return f"{_with_page(subject_url, page)}#c{comment.id}"
