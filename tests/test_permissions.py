"""Every protected page is refused to each role that may not see it."""

from __future__ import annotations

import pytest

from thinktank.accounts.roles import Role
from thinktank.permissions import can

ROLES = ["anonymous", "reader", "member", "secretariat", "admin"]

# page -> the lowest role that may open it
PROTECTED = {
    "/profile": "reader",
    "/invitations/": "secretariat",
    "/admin/users/": "admin",
    "/admin/audit": "admin",
    "/moderation/adoptions": "secretariat",
}


@pytest.mark.parametrize("path", PROTECTED)
@pytest.mark.parametrize("who", ROLES)
def test_protected_pages_by_role(role_clients, path, who):
    response = role_clients[who].get(path)
    allowed = who != "anonymous" and ROLES.index(who) >= ROLES.index(PROTECTED[path])
    if allowed:
        assert response.status_code == 200
    elif who == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    else:
        assert response.status_code == 403
        assert "Adgang nægtet" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/profile"),
        ("post", "/profile/password"),
        ("post", "/invitations/"),
        ("post", "/invitations/1/revoke"),
        ("post", "/admin/users/1"),
        ("post", "/admin/users/1/active"),
        ("post", "/moderation/adoptions/1"),
    ],
)
def test_protected_actions_refused_to_readers(role_clients, method, path):
    needed = {"/profile": "reader", "/profile/password": "reader"}.get(path)
    if needed:
        assert role_clients["anonymous"].post(path, data={}).status_code == 302
        return
    assert role_clients["reader"].post(path, data={}).status_code == 403
    assert role_clients["member"].post(path, data={}).status_code == 403
    assert role_clients["anonymous"].post(path, data={}).status_code == 302


def test_deactivated_users_can_do_nothing(make_user):
    user = make_user(Role.ADMIN, active=False)
    assert not can(user, "manage_users")


def test_unknown_action_is_a_programming_error(member):
    with pytest.raises(LookupError):
        can(member, "fly")
