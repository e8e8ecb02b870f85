"""Under a discussion, those who cannot write are told why, and anonymous visitors are
invited to log in (never shown an error)."""

from __future__ import annotations

import re

from tests.conftest import page_text

MEMBERS_ONLY = "Kun tænketankens medlemmer kan deltage i drøftelsen."


def _discussion(response) -> str:
    return page_text(response).split("Drøftelse", 1)[1]


def test_anonymous_visitor_is_invited_to_log_in(client, make_case):
    case = make_case(state="open", visibility="public")
    response = client.get(f"/cases/{case.id}")
    text = _discussion(response)
    assert f"{MEMBERS_ONLY} Log ind" in text
    assert "Du har ikke tilladelse til at gøre dette." not in page_text(response)
    html = response.get_data(as_text=True)
    notice = html.split('id="discussion"')[1]
    login = re.search(r'<p class="notice">.*?<a href="([^"]+)">Log ind</a>', notice, re.S)
    assert login.group(1) == f"/login?next=/cases/{case.id}"


def test_the_login_link_leads_back_to_the_case(client, member, make_case):
    from tests.conftest import PASSWORD

    case = make_case(state="open", visibility="public")
    response = client.post(
        f"/login?next=/cases/{case.id}", data={"email": member.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.location.endswith(f"/cases/{case.id}")


def test_a_logged_in_reader_is_told_without_a_login_link(client_as, reader, make_case):
    case = make_case(state="open", visibility="public")
    text = _discussion(client_as(reader).get(f"/cases/{case.id}"))
    assert MEMBERS_ONLY in text and "Log ind" not in text


def test_a_closed_discussion_says_so_to_everyone(client, make_case):
    case = make_case(state="closed", visibility="public")
    text = _discussion(client.get(f"/cases/{case.id}"))
    assert "Der kan skrives kommentarer, mens sagen er åben" in text
    assert "Du har ikke tilladelse" not in text and "Log ind" not in text


def test_anonymous_posting_still_asks_to_log_in(client, make_case):
    case = make_case(state="open", visibility="public")
    response = client.post(f"/discussions/case/{case.id}/comments", data={"body": "Hej"})
    assert response.status_code == 302 and "/login" in response.location
