"""The demo discussions, posted through the discussion service.

Everything goes through the service, so mentions notify, the edit keeps its revision, the
removal keeps the thread's shape and the flag waits in the moderation queue.

A case that has moved past discussion (the chatbot and daycare subsidy cases are closed)
takes no comments, so its discussion is posted while it is open, by the ``discuss`` step of
its walk through the lifecycle (:func:`discuss`); the other discussions are posted on the
open and voting cases afterwards, by :func:`seed_discussions`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.cases.models import Case
from thinktank.demo.dating import date_comment
from thinktank.demo.reading import DISCUSS, DemoCase
from thinktank.discussion import service, subjects
from thinktank.discussion.models import Comment, Discussion
from thinktank.extensions import db
from thinktank.models import utcnow


def seed_discussions(cases: tuple[DemoCase, ...], users: dict[str, User], moderator: User) -> int:
    """Post the demo discussions of open and voting cases that have no comments yet (the
    others were posted by their case's ``discuss`` step); return how many comments."""
    return sum(
        seed_discussion(demo, users, moderator)
        for demo in cases
        if demo.remarks and not _posted_by_step(demo)
    )


def discuss(demo: DemoCase, case: Case, users: dict[str, User], at: datetime) -> None:
    """The ``discuss`` step: post the case's demo discussion, which ended at ``at``."""
    _post(demo, case, users, at)


def seed_discussion(demo: DemoCase, users: dict[str, User], moderator: User) -> int:
    """Write one case's discussion as its members did, then edit, flag and remove."""
    case = db.session.scalar(select(Case).where(Case.title == demo.content.title))
    if case is None or _has_comments(case) or _closed_to(users[demo.author], case):
        return 0
    posted = _post(demo, case, users, utcnow())
    for remark in demo.remarks:
        comment_id = posted[remark.key]
        if remark.edited:
            service.edit(users[remark.author], comment_id, remark.edited)
        if remark.flag:
            flagger, reason, note = remark.flag
            service.flag(users[flagger], comment_id, reason, note)
        if remark.removed_for:
            service.remove(moderator, comment_id, remark.removed_for)
    return len(demo.remarks)


def _post(demo: DemoCase, case: Case, users: dict[str, User], end: datetime) -> dict[str, int]:
    """Post the remarks, each dated as it was written; returns the comment ids by key."""
    posted: dict[str, int] = {}
    for remark in demo.remarks:
        parent_id = posted[remark.reply_to] if remark.reply_to else None
        comment, _link = service.post(
            users[remark.author], "case", case.id, remark.body, parent_id=parent_id
        )
        date_comment(comment, end, remark.hours_ago)
        posted[remark.key] = comment.id
    db.session.flush()
    return posted


def _posted_by_step(demo: DemoCase) -> bool:
    return any(step.move == DISCUSS for step in demo.steps)


def _has_comments(case: Case) -> bool:
    return (
        db.session.scalar(
            select(Comment.id)
            .join(Discussion, Discussion.id == Comment.discussion_id)
            .where(Discussion.subject_type == "case", Discussion.subject_id == case.id)
            .limit(1)
        )
        is not None
    )


def _closed_to(author: User, case: Case) -> bool:
    """The case has moved past discussion (e.g. someone closed it in the demo)."""
    return subjects.get("case").why_not_post(author, case) is not None
