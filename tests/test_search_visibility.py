"""Who finds what: exactly what each role could open on the linked page, for every role, and
never a snippet of text the searcher could not read."""

from __future__ import annotations

import pytest

from tests.search_helpers import links, titles

ROLES = ("anonymous", "reader", "member", "secretariat", "admin")
SEES_MEMBERS_ONLY = {"member", "secretariat", "admin"}
SEES_DRAFTS = {"secretariat", "admin"}


@pytest.fixture
def world(make_case, make_comment, make_recommendation, member, make_user):
    """A public case, a members-only case, a member's draft and their comments."""
    from thinktank.accounts.roles import Role

    author = make_user(Role.MEMBER)
    public = make_case(title="Offentlig sag om droner", visibility="public")
    members_only = make_case(title="Intern sag om droner", visibility="members")
    draft = make_case(author=author, state="draft", title="Udkast om droner")
    return {
        "public": public,
        "members_only": members_only,
        "draft": draft,
        "author": author,
        "public_comment": make_comment(public, member, "Droner i det offentlige rum."),
        "internal_comment": make_comment(members_only, member, "Droner over skolen, internt."),
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_finds_exactly_the_cases_it_may_open(role, role_clients, world):
    found = set(titles(role_clients[role], "droner", type="case"))
    expected = {"Offentlig sag om droner"}
    if role in SEES_MEMBERS_ONLY:
        expected.add("Intern sag om droner")
    if role in SEES_DRAFTS:
        expected.add("Udkast om droner")
    assert found == expected
    for link in links(role_clients[role], "droner"):
        assert role_clients[role].get(link).status_code in (200, 302), link


@pytest.mark.parametrize("role", ROLES)
def test_each_role_finds_only_comments_in_threads_it_may_read(role, role_clients, world):
    found = set(links(role_clients[role], "droner", type="comment"))
    expected = {f"/comments/{world['public_comment'].id}"}
    if role in SEES_MEMBERS_ONLY:
        expected.add(f"/comments/{world['internal_comment'].id}")
    assert found == expected
    page = role_clients[role].get("/search?q=skolen").get_data(as_text=True)
    assert ("internt" in page) == (role in SEES_MEMBERS_ONLY)  # no snippet of what one cannot open


def test_the_author_of_a_draft_finds_it_and_other_members_do_not(client_as, world, member):
    assert "Udkast om droner" in titles(client_as(world["author"]), "droner")
    assert "Udkast om droner" not in titles(client_as(member), "droner")


@pytest.mark.parametrize("role", ROLES)
def test_nobody_finds_a_removed_comment(role, role_clients, app, world, secretariat):
    from thinktank.accounts.models import User
    from thinktank.discussion import service
    from thinktank.extensions import db
    from thinktank.transaction import transaction

    with app.test_request_context("/"), transaction():
        service.remove(db.session.get(User, secretariat.id), world["public_comment"].id, "Spam")
    assert links(role_clients[role], "rum") == []


@pytest.mark.parametrize("role", ROLES)
def test_nobody_finds_the_text_of_an_earlier_comment_revision(
    role, role_clients, app, world, member
):
    from thinktank.accounts.models import User
    from thinktank.discussion import service
    from thinktank.extensions import db
    from thinktank.transaction import transaction

    with app.test_request_context("/"), transaction():
        user = db.session.get(User, member.id)
        service.edit(user, world["public_comment"].id, "Fly i det offentlige rum.")
    assert links(role_clients[role], "droner", type="comment") == (
        [f"/comments/{world['internal_comment'].id}"] if role in SEES_MEMBERS_ONLY else []
    )
    assert links(role_clients[role], "fly") == [f"/comments/{world['public_comment'].id}"]


@pytest.mark.parametrize("role", ROLES)
def test_recommendation_drafts_are_never_found_and_published_ones_by_everyone(
    role, role_clients, make_recommendation
):
    make_recommendation("draft", title="Udkast: vejledning om droner")
    make_recommendation("review", title="I høring: vejledning om droner")
    published = make_recommendation("published", title="Vejledning om droner")
    assert links(role_clients[role], "vejledning", type="recommendation") == [
        f"/recommendations/{published.id}-vejledning-om-droner"
    ]


@pytest.mark.parametrize("role", ROLES)
def test_comments_on_a_draft_in_review_are_found_by_members_only(
    role, role_clients, app, make_recommendation, member
):
    from thinktank.accounts.models import User
    from thinktank.discussion import service
    from thinktank.extensions import db
    from thinktank.transaction import transaction

    draft = make_recommendation("review", title="Vejledning i høring")
    with app.test_request_context("/"):
        with transaction():
            comment, _link = service.post(
                db.session.get(User, member.id),
                "recommendation",
                draft.id,
                "Høringssvar om satellitter.",
            )
        comment_id = comment.id
    found = links(role_clients[role], "satellitter")
    assert found == ([f"/comments/{comment_id}"] if role in SEES_MEMBERS_ONLY else [])


@pytest.mark.parametrize("role", ROLES)
def test_the_member_register_is_found_by_everyone_without_readers_or_admins(
    role, role_clients, make_user
):
    from thinktank.accounts.roles import Role

    make_user(Role.MEMBER, display_name="Karen Kvist", organisation="Vejle Kommune")
    make_user(Role.READER, display_name="Karl Kvist")
    make_user(Role.ADMIN, display_name="Kurt Kvist")
    make_user(Role.MEMBER, display_name="Kaj Kvist", active=False)
    assert titles(role_clients[role], "kvist") == ["Karen Kvist"]
    assert titles(role_clients[role], "vejle", type="member") == ["Karen Kvist"]
