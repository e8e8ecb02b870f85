"""Long discussions written straight into the database (posting is tested elsewhere): a
comment a second, starting a day ago, so their order is known and a comment posted now
comes last."""

from __future__ import annotations

from datetime import timedelta

from thinktank.discussion.models import Comment, Discussion
from thinktank.extensions import db
from thinktank.models import utcnow


def discussion_id(kind: str, subject_id: int) -> int:
    found = db.session.scalar(
        db.select(Discussion.id).where(
            Discussion.subject_type == kind, Discussion.subject_id == subject_id
        )
    )
    if found is None:
        discussion = Discussion(subject_type=kind, subject_id=subject_id)
        db.session.add(discussion)
        db.session.flush()
        found = discussion.id
    return found


def add_comments(app, case, authors, n, *, reply_every=3, parents=None, kind="case"):
    """Add ``n`` comments to ``case``: every ``reply_every``-th answers an earlier comment
    (or one of ``parents``' ids), the others start threads. Returns their ids in order."""
    with app.app_context():
        discussion = discussion_id(kind, case.id)
        last = db.session.scalar(
            db.select(db.func.max(Comment.created_at)).where(Comment.discussion_id == discussion)
        )
        start = (last or utcnow() - timedelta(days=1)) + timedelta(seconds=1)
        comments: list[Comment] = []
        # replies to ``parents`` also answer each other, as in a real thread
        pool = [db.session.get(Comment, i) for i in parents] if parents else comments
        for i in range(n):
            is_reply = pool and reply_every and (parents or i % reply_every == reply_every - 1)
            parent = pool[(i * 7) % len(pool)] if is_reply else None
            comment = Comment(
                discussion_id=discussion,
                parent_id=parent.id if parent else None,
                thread_id=(parent.thread_id or parent.id) if parent else None,
                depth=parent.depth + 1 if parent else 0,
                author_id=authors[i % len(authors)].id,
                body=f"Kommentar {i}",
                body_html=f"<p>Kommentar {i}</p>",
                created_at=start + timedelta(seconds=i),
            )
            db.session.add(comment)
            db.session.flush()
            comments.append(comment)
            if parents:
                pool.append(comment)
        ids = [comment.id for comment in comments]
        db.session.commit()
    return ids
