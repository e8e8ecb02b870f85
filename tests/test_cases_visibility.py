"""Who sees which case: drafts only to their author and the secretariat, members-only cases
only to members and up; in the list, on the page, on edit, on history and by direct URL."""

from __future__ import annotations

import pytest

from tests.conftest import page_text

ROLES = ["anonymous", "reader", "member", "author", "secretariat", "admin"]


@pytest.fixture
def clients(role_clients, client_as, member, make_user):
    from thinktank.accounts.roles import Role

    return role_clients | {"author": client_as(member), "member": client_as(make_user(Role.MEMBER))}


# (state, visibility) -> roles that see the case
SEEN_BY = {
    ("draft", "public"): {"author", "secretariat", "admin"},
    ("draft", "members"): {"author", "secretariat", "admin"},
    ("open", "members"): {"member", "author", "secretariat", "admin"},
    ("open", "public"): set(ROLES),
    ("archived", "public"): set(ROLES),
    ("voting", "members"): {"member", "author", "secretariat", "admin"},
}


@pytest.mark.parametrize(("state", "visibility"), SEEN_BY)
@pytest.mark.parametrize("who", ROLES)
def test_case_page_list_and_history(clients, make_case, state, visibility, who):
    case = make_case(state=state, visibility=visibility, title=f"Sag {state} {visibility}")
    client = clients[who]
    page = client.get(f"/cases/{case.id}")
    listed = case.title in page_text(client.get("/cases/"))
    history = client.get(f"/cases/{case.id}/history")
    if who in SEEN_BY[(state, visibility)]:
        assert page.status_code == 200 and case.title in page_text(page)
        assert listed and history.status_code == 200
    else:
        assert not listed
        if state == "draft":
            assert page.status_code == history.status_code == 404
        elif who == "anonymous":
            assert page.status_code == 302 and "/login" in page.headers["Location"]
        else:
            assert page.status_code == history.status_code == 403
            assert "kun for tænketankens medlemmer" in page_text(page)
        assert case.title not in page.get_data(as_text=True)


@pytest.mark.parametrize("who", ROLES)
def test_edit_a_draft(app, clients, make_case, who):
    case = make_case(state="draft")
    page = clients[who].get(f"/cases/{case.id}/edit")
    post = clients[who].post(
        f"/cases/{case.id}/edit", data={"title": "Overtaget", "action": "save"}
    )
    if who in ("author", "secretariat", "admin"):
        assert page.status_code == 200
    else:
        assert page.status_code == 404 and post.status_code == 404


@pytest.mark.parametrize("state", ["open", "voting", "closed", "archived"])
def test_author_cannot_edit_once_the_case_is_opened(clients, make_case, state):
    case = make_case(state=state, visibility="public")
    assert clients["author"].get(f"/cases/{case.id}/edit").status_code == 403


def test_secretariat_edits_open_cases_but_not_after_voting_starts(clients, make_case):
    open_case = make_case(state="open")
    voting_case = make_case(state="voting")
    assert clients["secretariat"].get(f"/cases/{open_case.id}/edit").status_code == 200
    assert clients["secretariat"].get(f"/cases/{voting_case.id}/edit").status_code == 403


def test_crafted_transition_on_a_case_one_cannot_see(app, clients, make_case):
    case = make_case(state="draft")
    response = clients["reader"].post(f"/cases/{case.id}/transition", data={"move": "submit"})
    assert response.status_code == 404


def test_slug_and_bare_id_both_resolve(clients, make_case):
    case = make_case(state="open", visibility="public", title="Ledighedsprognose i Århus")
    client = clients["anonymous"]
    assert client.get(f"/cases/{case.id}").status_code == 200
    response = client.get(f"/cases/{case.id}-ledighedsprognose-i-aarhus")
    assert response.status_code == 200
    assert (
        f'rel="canonical" href="http://localhost/cases/{case.id}-ledighedsprognose-i-aarhus"'
        in response.get_data(as_text=True)
    )
    assert client.get(f"/cases/{case.id}-whatever-slug").status_code == 200
    assert client.get("/cases/999999").status_code == 404
