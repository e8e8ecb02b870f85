"""A case page runs the same number of SQL queries with 1, 100 or 2,000 comments, on its
first page or a later one; so does the page of a thread with one reply or 500."""

from __future__ import annotations

from tests.thread_helpers import add_comments
from thinktank.accounts.roles import Role


def test_same_queries_for_1_100_and_2000_comments_on_any_page(
    client_as, make_user, make_case, count_queries, app
):
    authors = [make_user(Role.MEMBER) for _ in range(5)]
    viewer = client_as(authors[0])
    counts = []
    for n, page in ((1, 1), (100, 1), (2000, 1), (2000, 3)):
        case = make_case(state="open")
        add_comments(app, case, authors, n)
        with count_queries() as log:
            response = viewer.get(f"/cases/{case.id}?page={page}")
        assert response.status_code == 200
        shown = response.get_data(as_text=True).count('class="comment"')
        assert 1 <= shown <= 30 * 11, shown  # a page of threads, never the whole discussion
        counts.append(log.count)
    assert len(set(counts)) == 1, counts


def test_same_queries_for_a_thread_of_one_reply_and_of_500(
    client_as, member, make_case, count_queries, app
):
    viewer = client_as(member)
    counts = []
    for replies in (1, 500):
        case = make_case(state="open")
        (root,) = add_comments(app, case, [member], 1)
        add_comments(app, case, [member], replies, parents=[root])
        for page in (1, 2) if replies > 100 else (1,):
            with count_queries() as log:
                response = viewer.get(f"/comments/{root}/thread?page={page}")
            assert response.status_code == 200
            counts.append(log.count)
    assert len(set(counts)) == 1, counts


def test_same_queries_for_a_short_and_a_long_draft_discussion(
    client_as, member, secretariat, make_recommendation, count_queries, app
):
    viewer = client_as(secretariat)
    counts = []
    for n in (1, 400):
        draft = make_recommendation("draft")
        add_comments(app, draft, [member], n, kind="recommendation")
        with count_queries() as log:
            response = viewer.get(f"/recommendations/{draft.id}/draft")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert 1 <= html.count('class="comment"') <= 30 * 11
        assert ("Sider i drøftelsen" in html) == (n > 30)
        counts.append(log.count)
    assert counts[0] == counts[1], counts
