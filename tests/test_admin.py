"""Administrators manage accounts and roles and read the full audit log."""

from __future__ import annotations

from tests.conftest import page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.extensions import db


def test_admin_changes_a_role_and_it_is_audited(app, client_as, admin, reader):
    client = client_as(admin)
    response = client.post(f"/admin/users/{reader.id}", data={"role": "member"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, reader.id).role == Role.MEMBER
    assert "blev ændret fra læser til medlem" in page_text(client.get("/admin/audit"))


def test_crafted_role_is_refused(app, client_as, admin, reader):
    response = client_as(admin).post(f"/admin/users/{reader.id}", data={"role": "god"})
    assert "Ikke et gyldigt valg." in page_text(response)
    with app.app_context():
        assert db.session.get(User, reader.id).role == Role.READER


def test_admin_cannot_change_their_own_role(app, client_as, admin):
    client_as(admin).post(f"/admin/users/{admin.id}", data={"role": "reader"})
    with app.app_context():
        assert db.session.get(User, admin.id).role == Role.ADMIN


def test_deactivated_user_is_logged_out_and_cannot_log_in(app, client_as, admin, member):
    member_client = client_as(member)
    assert member_client.get("/profile").status_code == 200
    client_as(admin).post(f"/admin/users/{member.id}/active", data={"active": "0"})
    assert member_client.get("/profile").status_code == 302
    client_as(admin).post(f"/admin/users/{member.id}/active", data={"active": "1"})
    assert member_client.get("/profile").status_code == 200


def test_user_list_filters_and_searches(client_as, admin, make_user):
    make_user(Role.MEMBER, display_name="Birgitte Nyborg")
    make_user(Role.READER, display_name="Kasper Juul")
    client = client_as(admin)
    text = page_text(client.get("/admin/users/?role=member"))
    assert "Birgitte Nyborg" in text and "Kasper Juul" not in text
    text = page_text(client.get("/admin/users/?q=kasper"))
    assert "Kasper Juul" in text and "Birgitte Nyborg" not in text


def test_user_list_runs_a_fixed_number_of_queries(client_as, admin, make_user, count_queries):
    client = client_as(admin)
    with count_queries() as few:
        client.get("/admin/users/")
    for _ in range(15):
        make_user(Role.MEMBER)
    with count_queries() as many:
        client.get("/admin/users/")
    assert few.count == many.count
