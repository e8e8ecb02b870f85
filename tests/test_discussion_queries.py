"""A case page with 1, 100 and 2,000 comments runs the same number of SQL queries."""

from __future__ import annotations

from datetime import timedelta

from thinktank.accounts.roles import Role
from thinktank.discussion.models import Comment, Discussion
from thinktank.extensions import db
from thinktank.models import utcnow


def _add_comments(app, case, authors, n):
    """Insert ``n`` comments in a realistic tree directly (the service is tested elsewhere)."""
    with app.app_context():
        discussion = db.session.scalar(
            db.select(Discussion).where(
                Discussion.subject_type == "case", Discussion.subject_id == case.id
            )
        )
        if discussion is None:
            discussion = Discussion(subject_type="case", subject_id=case.id)
            db.session.add(discussion)
            db.session.flush()
        start = utcnow()
        comments: list[Comment] = []
        for i in range(n):
            parent = comments[(i * 7) % len(comments)] if comments and i % 3 else None
            comment = Comment(
                discussion_id=discussion.id,
                parent_id=parent.id if parent else None,
                depth=parent.depth + 1 if parent else 0,
                author_id=authors[i % len(authors)].id,
                body=f"Kommentar {i}",
                body_html=f"<p>Kommentar {i}</p>",
                created_at=start + timedelta(seconds=i),
            )
            db.session.add(comment)
            if i % 50 == 0 or parent is None:
                db.session.flush()
            comments.append(comment)
            if comment.id is None:
                db.session.flush()
        db.session.commit()


def test_same_queries_for_1_100_and_2000_comments(
    app, client_as, make_user, make_case, count_queries
):
    authors = [make_user(Role.MEMBER) for _ in range(5)]
    viewer = client_as(authors[0])
    counts = []
    for n in (1, 100, 2000):
        case = make_case(state="open")
        _add_comments(app, case, authors, n)
        with count_queries() as log:
            response = viewer.get(f"/cases/{case.id}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('class="comment"') == n
        counts.append(log.count)
    assert counts[0] == counts[1] == counts[2], counts
