"""A long discussion in pages: 30 threads a page in the chosen order, the first ten replies of
a thread and a link to the others, a page per thread, permalinks that find the page, and
counts and arguments over the whole discussion."""

from __future__ import annotations

import re

import pytest

from tests.conftest import page_text
from tests.thread_helpers import add_comments
from thinktank.accounts.roles import Role


def _bodies(response) -> list[str]:
    return re.findall(r"<p>(Kommentar \d+)</p>", response.get_data(as_text=True))


def _follow(client, url: str):
    """Follow redirects by hand, keeping the fragment the last one pointed to."""
    response = client.get(url)
    while response.status_code == 302:
        url = response.headers["Location"]
        response = client.get(url)
    return url, response


# --- pages of threads ----------------------------------------------------------------------


def test_threads_come_30_a_page_oldest_first(app, client_as, member, make_case):
    case = make_case(state="open")
    add_comments(app, case, [member], 65, reply_every=0)
    client = client_as(member)
    first = client.get(f"/cases/{case.id}")
    assert _bodies(first) == [f"Kommentar {i}" for i in range(30)]
    assert "page=2#discussion" in first.get_data(as_text=True)
    assert "Side 1 af 3" in page_text(first)
    assert _bodies(client.get(f"/cases/{case.id}?page=2")) == [
        f"Kommentar {i}" for i in range(30, 60)
    ]
    assert _bodies(client.get(f"/cases/{case.id}?page=3")) == [
        f"Kommentar {i}" for i in range(60, 65)
    ]


def test_newest_first_pages_from_the_newest_thread_and_keeps_the_order(
    app, client_as, member, make_case
):
    case = make_case(state="open")
    add_comments(app, case, [member], 35, reply_every=0)
    client = client_as(member)
    newest = client.get(f"/cases/{case.id}?order=newest")
    assert _bodies(newest) == [f"Kommentar {i}" for i in range(34, 4, -1)]
    html = newest.get_data(as_text=True)
    assert "order=newest&amp;page=2#discussion" in html  # the next page keeps the order
    assert _bodies(client.get(f"/cases/{case.id}?order=newest&page=2")) == [
        f"Kommentar {i}" for i in range(4, -1, -1)
    ]


def test_a_short_discussion_has_no_page_links(app, client_as, member, make_case):
    case = make_case(state="open")
    add_comments(app, case, [member], 30, reply_every=0)
    response = client_as(member).get(f"/cases/{case.id}")
    assert len(_bodies(response)) == 30
    assert "Sider i drøftelsen" not in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "", "1.5"])
def test_a_page_number_that_is_no_number_gives_page_one(app, client_as, member, make_case, page):
    case = make_case(state="open")
    add_comments(app, case, [member], 40, reply_every=0)
    response = client_as(member).get(f"/cases/{case.id}?page={page}")
    assert response.status_code == 200
    assert _bodies(response)[0] == "Kommentar 0"


@pytest.mark.parametrize("page", ["3", "99999", "2147483647", "99999999999"])
def test_a_page_past_the_last_is_not_found(app, client_as, member, make_case, page):
    case = make_case(state="open")
    add_comments(app, case, [member], 40, reply_every=0)
    assert client_as(member).get(f"/cases/{case.id}?page={page}").status_code == 404


def test_an_empty_discussion_shows_on_page_one(client_as, member, make_case):
    case = make_case(state="open")
    response = client_as(member).get(f"/cases/{case.id}?page=1")
    assert response.status_code == 200
    assert "Endnu ingen kommentarer." in page_text(response)


# --- replies -------------------------------------------------------------------------------


def test_a_thread_shows_its_first_ten_replies_and_links_to_the_others(
    app, client_as, member, make_case
):
    case = make_case(state="open")
    long_root, short_root = add_comments(app, case, [member], 2, reply_every=0)
    add_comments(app, case, [member], 15, parents=[long_root])
    add_comments(app, case, [member], 10, parents=[short_root])
    client = client_as(member)
    response = client.get(f"/cases/{case.id}")
    html = response.get_data(as_text=True)
    assert html.count('class="comment"') == 2 + 10 + 10
    assert "Vis de øvrige 5 svar" in page_text(response)
    assert f'href="/comments/{long_root}/thread"' in html
    assert f'href="/comments/{short_root}/thread"' not in html  # all ten are shown

    thread = client.get(f"/comments/{long_root}/thread")
    assert thread.status_code == 200
    assert thread.get_data(as_text=True).count('class="comment"') == 1 + 15
    assert "Kommentaren og dens 15 svar" in page_text(thread)
    assert "Tilbage til drøftelsen" in page_text(thread)


def test_the_other_replies_link_reads_in_english(app, client_as, make_user, make_case):
    english = make_user(Role.MEMBER, locale="en")
    case = make_case(state="open")
    (root,) = add_comments(app, case, [english], 1, reply_every=0)
    add_comments(app, case, [english], 11, parents=[root])
    assert "Show the one other reply" in page_text(client_as(english).get(f"/cases/{case.id}"))
    add_comments(app, case, [english], 2, parents=[root])
    assert "Show the other 3 replies" in page_text(client_as(english).get(f"/cases/{case.id}"))


def test_a_huge_thread_has_pages_and_says_whom_a_reply_answers(app, client_as, member, make_case):
    case = make_case(state="open")
    (root,) = add_comments(app, case, [member], 1, reply_every=0)
    replies = add_comments(app, case, [member], 150, parents=[root])
    client = client_as(member)
    first = client.get(f"/comments/{root}/thread")
    assert first.get_data(as_text=True).count('class="comment"') == 1 + 100
    second = client.get(f"/comments/{root}/thread?page=2")
    html = second.get_data(as_text=True)
    assert html.count('class="comment"') == 1 + 50
    assert f'id="c{replies[149]}"' in html and f'id="c{replies[0]}"' not in html
    # a reply to a comment on the first page links to it there
    assert re.search(r'svar til <a href="/comments/\d+">', html)
    assert client.get(f"/comments/{root}/thread?page=3").status_code == 404
    assert client.get(f"/comments/{root}/thread?page=abc").status_code == 200


def test_only_a_top_level_comment_has_a_thread_page(app, client_as, member, make_case):
    case = make_case(state="open")
    (root,) = add_comments(app, case, [member], 1, reply_every=0)
    (reply,) = add_comments(app, case, [member], 1, parents=[root])
    assert client_as(member).get(f"/comments/{reply}/thread").status_code == 404
    assert client_as(member).get("/comments/999999/thread").status_code == 404


def test_a_thread_page_is_as_private_as_its_case(app, client_as, member, make_user, make_case):
    case = make_case(state="open", visibility="members")
    (root,) = add_comments(app, case, [member], 1, reply_every=0)
    assert client_as(member).get(f"/comments/{root}/thread").status_code == 200
    anonymous = client_as(None).get(f"/comments/{root}/thread")
    assert anonymous.status_code in (302, 401, 403, 404)
    assert "Kommentar 0" not in anonymous.get_data(as_text=True)
    reader = client_as(make_user(Role.READER)).get(f"/comments/{root}/thread")
    assert (
        reader.status_code == client_as(make_user(Role.READER)).get(f"/cases/{case.id}").status_code
    )


# --- permalinks ----------------------------------------------------------------------------


def test_a_permalink_to_a_thread_on_page_three_lands_there(app, client_as, member, make_case):
    case = make_case(state="open")
    ids = add_comments(app, case, [member], 70, reply_every=0)
    client = client_as(member)
    url, landed = _follow(client, f"/comments/{ids[65]}")
    assert re.fullmatch(rf"/cases/{case.id}-[\w-]+\?page=3#c{ids[65]}", url), url
    assert f'id="c{ids[65]}"' in landed.get_data(as_text=True)
    url, _landed = _follow(client, f"/comments/{ids[3]}")
    assert re.fullmatch(rf"/cases/{case.id}-[\w-]+#c{ids[3]}", url), url


def test_a_permalink_to_a_shown_reply_lands_on_its_threads_page(app, client_as, member, make_case):
    case = make_case(state="open")
    ids = add_comments(app, case, [member], 40, reply_every=0)
    (reply,) = add_comments(app, case, [member], 1, parents=[ids[35]])
    url, landed = _follow(client_as(member), f"/comments/{reply}")
    assert url.endswith(f"?page=2#c{reply}")
    assert f'id="c{reply}"' in landed.get_data(as_text=True)


def test_a_permalink_to_a_hidden_reply_lands_on_the_thread_page(app, client_as, member, make_case):
    case = make_case(state="open")
    (root,) = add_comments(app, case, [member], 1, reply_every=0)
    replies = add_comments(app, case, [member], 120, parents=[root])
    client = client_as(member)
    url, landed = _follow(client, f"/comments/{replies[12]}")
    assert url == f"/comments/{root}/thread#c{replies[12]}"
    assert f'id="c{replies[12]}"' in landed.get_data(as_text=True)
    url, landed = _follow(client, f"/comments/{replies[110]}")
    assert url == f"/comments/{root}/thread?page=2#c{replies[110]}"
    assert f'id="c{replies[110]}"' in landed.get_data(as_text=True)
    url, _landed = _follow(client, f"/comments/{replies[9]}")  # the tenth is still shown
    assert re.fullmatch(rf"/cases/{case.id}-[\w-]+#c{replies[9]}", url), url


def test_posting_a_comment_lands_on_the_last_page_where_it_is(app, client_as, member, make_case):
    case = make_case(state="open")
    add_comments(app, case, [member], 60, reply_every=0)
    client = client_as(member)
    response = client.post(
        f"/discussions/case/{case.id}/comments", data={"body": "Den enogtresindstyvende."}
    )
    assert response.status_code == 302 and "?page=3#c" in response.headers["Location"]
    assert "Den enogtresindstyvende." in page_text(client.get(response.headers["Location"]))


def test_a_mention_notification_lands_on_the_page_of_the_comment(
    app, client_as, member, make_user, make_case, make_comment
):
    mentioned = make_user(Role.MEMBER, display_name="Ole Olsen")
    case = make_case(state="open")
    add_comments(app, case, [member], 45, reply_every=0)
    comment = make_comment(case, member, "Hvad siger du, @OleOlsen?")
    client = client_as(mentioned)
    notifications = client.get("/notifications").get_data(as_text=True)
    (notification,) = re.findall(r'href="(/notifications/\d+)"', notifications)
    url, landed = _follow(client, notification)
    assert url.endswith(f"?page=2#c{comment.id}")
    assert "Hvad siger du," in page_text(landed)


# --- counts, arguments and citations over the whole discussion -----------------------------


def test_the_count_is_of_the_whole_discussion(app, client_as, member, make_case):
    case = make_case(state="open")
    ids = add_comments(app, case, [member], 90)  # a third of them replies
    text = page_text(client_as(member).get(f"/cases/{case.id}"))
    assert "Drøftelse (90)" in text
    assert len(ids) == 90


def test_arguments_on_a_later_page_are_listed_and_linked(
    app, client_as, member, make_vote_case, make_comment
):
    vote = make_vote_case(visibility="public")
    ja, _nej = vote.positions
    add_comments(app, vote, [member], 70, reply_every=0)
    argument = make_comment(vote, member, "Et sent argument for.", stance="for", position_id=ja)
    client = client_as(member)
    first = client.get(f"/cases/{vote.id}")
    text = page_text(first)
    assert "Argumenter for (1)" in text and "Et sent argument for." in text
    assert f'href="/comments/{argument.id}"' in first.get_data(as_text=True)
    url, landed = _follow(client, f"/comments/{argument.id}")
    assert url.endswith(f"?page=3#c{argument.id}")
    assert "Argument for: Ja, på betingelser" in page_text(landed)


def test_a_citation_links_to_the_page_of_the_cited_comment(
    app, client_as, member, secretariat, make_case, make_comment, make_recommendation
):
    case = make_case(state="open", visibility="public")
    add_comments(app, case, [member], 35, reply_every=0)
    cited = make_comment(case, member, "Borgeren skal altid kunne nå et menneske.")
    with app.app_context():
        from thinktank.cases.models import Case
        from thinktank.extensions import db

        db.session.get(Case, case.id).state = "closed"
        db.session.commit()
    draft = make_recommendation("draft", case=case, citations=[cited.id])
    client = client_as(secretariat)
    html = client.get(f"/recommendations/{draft.id}/draft").get_data(as_text=True)
    assert f'href="/comments/{cited.id}"' in html
    url, landed = _follow(client, f"/comments/{cited.id}")
    assert url.endswith(f"?page=2#c{cited.id}")
    assert "Borgeren skal altid kunne nå et menneske." in page_text(landed)


def test_a_published_citation_links_to_its_page_in_the_portal_and_the_api(
    app, client_as, member, make_case, make_comment, make_recommendation
):
    case = make_case(state="open", visibility="public")
    add_comments(app, case, [member], 40, reply_every=0)
    cited = make_comment(case, member, "Borgeren skal altid kunne nå et menneske.")
    with app.app_context():
        from thinktank.cases.models import Case
        from thinktank.extensions import db

        db.session.get(Case, case.id).state = "closed"
        db.session.commit()
    published = make_recommendation("published", case=case, citations=[cited.id])
    visitor = client_as(None)
    portal = visitor.get(f"/recommendations/{published.id}").get_data(as_text=True)
    assert f'href="/comments/{cited.id}"' in portal
    (quote,) = visitor.get(f"/api/v1/recommendations/{published.id}").get_json()["cited_comments"]
    assert quote["url"] == f"http://localhost/comments/{cited.id}"
    url, landed = _follow(visitor, f"/comments/{cited.id}")
    assert url.endswith(f"?page=2#c{cited.id}")
    assert "Borgeren skal altid kunne nå et menneske." in page_text(landed)
