"""The member register: who is in the think tank, their affiliation, sector and interests."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert

from tests.conftest import _PASSWORD_HASH, cast, page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role, Sector
from thinktank.extensions import db
from thinktank.members.models import Interest, InterestKind


def _interest(app, user, organisation, kind=InterestKind.EMPLOYMENT, **fields):
    with app.app_context():
        db.session.add(Interest(user_id=user.id, kind=kind, organisation=organisation, **fields))
        db.session.commit()


def test_register_lists_members_and_secretariat_with_affiliation_and_interests(
    app, client, make_user
):
    expert = make_user(
        Role.MEMBER, display_name="Louise Brandt", organisation="Netcompany", sector=Sector.PRIVATE
    )
    staff = make_user(Role.SECRETARIAT, display_name="Mette Sørensen", organisation="KL")
    make_user(Role.READER, display_name="Karin Læser")
    make_user(Role.ADMIN, display_name="Drift Admin")
    make_user(Role.MEMBER, display_name="Tidligere Medlem", active=False)
    _interest(app, expert, "Netcompany Group A/S", InterestKind.OWNERSHIP)
    _interest(app, expert, "Gammel Bestyrelse", InterestKind.BOARD_SEAT, ends_on=date(2020, 1, 1))
    response = client.get("/members/")
    text = page_text(response)
    assert "Louise Brandt" in text and "Netcompany Privat virksomhed" in text
    assert "Ejerskab eller kommercielt bånd: Netcompany Group A/S" in text
    assert "Gammel Bestyrelse" not in text  # past interests are on the member's page
    assert "Mette Sørensen" in text and "KL's sekretariat" in text
    for absent in ("Karin Læser", "Drift Admin", "Tidligere Medlem"):
        assert absent not in text
    assert "2 medlemmer" in text
    html = response.get_data(as_text=True)
    assert f'href="/members/{expert.id}-louise-brandt"' in html
    assert f'href="/members/{staff.id}-mette-soerensen"' in html


def test_register_is_in_the_menu_for_everyone(client):
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/members/">Medlemmer</a>' in html


def test_register_is_paginated_and_searchable(app, client, make_user):
    for n in range(23):
        make_user(
            Role.MEMBER,
            display_name=f"Ekspert {n:02d}",
            organisation="Aarhus Kommune" if n == 7 else "Testrup Kommune",
        )
    first, second = page_text(client.get("/members/")), page_text(client.get("/members/?page=2"))
    assert "Ekspert 00" in first and "Ekspert 19" in first and "Ekspert 20" not in first
    assert "Ekspert 20" in second and "Side 2 af 2 (23 i alt)" in second
    found = page_text(client.get("/members/?q=aarhus"))
    assert "Ekspert 07" in found and "Ekspert 08" not in found and "1 medlem" in found


def test_register_with_500_members_runs_a_fixed_number_of_queries(
    app, client, make_user, count_queries
):
    def add(count, tag):
        with app.app_context():
            ids = db.session.scalars(
                insert(User).returning(User.id),
                [
                    {
                        "email": f"{tag}{n}@example.dk",
                        "display_name": f"{tag} {n:03d}",
                        "role": Role.MEMBER,
                        "password_hash": _PASSWORD_HASH,
                        "session_token": f"{tag}{n}",
                    }
                    for n in range(count)
                ],
            ).all()
            db.session.execute(
                insert(Interest),
                [{"user_id": i, "kind": InterestKind.ADVISORY, "organisation": "Råd"} for i in ids],
            )
            db.session.commit()

    add(5, "a")
    client.get("/")  # warm up on another page: a second visit would come from the page cache
    with count_queries() as few:
        assert client.get("/members/").status_code == 200
    add(495, "b")
    with count_queries() as many:
        page = client.get("/members/")
    assert "500 medlemmer" in page_text(page)
    with count_queries() as last:
        assert "b 494" in page_text(client.get("/members/?page=25"))
    assert few.count == many.count == last.count, str(many)


def test_member_page_by_id_and_by_id_with_slug(app, client, make_user):
    expert = make_user(
        Role.MEMBER,
        display_name="Fatima Khalil",
        organisation="Københavns Universitet",
        sector=Sector.RESEARCH,
    )
    for path in (
        f"/members/{expert.id}",
        f"/members/{expert.id}-fatima-khalil",
        f"/members/{expert.id}-anything",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        text = page_text(response)
        assert "Fatima Khalil" in text and "Københavns Universitet" in text and "Forskning" in text
    html = client.get(f"/members/{expert.id}").get_data(as_text=True)
    assert (
        f'<link rel="canonical" href="http://localhost/members/{expert.id}-fatima-khalil">' in html
    )


@pytest.mark.parametrize("role", [Role.READER, Role.ADMIN])
def test_readers_and_admins_have_no_member_page(client, make_user, role):
    assert client.get(f"/members/{make_user(role).id}").status_code == 404
    assert client.get("/members/99999").status_code == 404


def test_member_page_shows_current_and_past_interests_with_dates(app, client, member):
    _interest(
        app, member, "Aarhus Kommune", description="Digitaliseringschef", starts_on=date(2019, 3, 1)
    )
    _interest(
        app,
        member,
        "Innovationsfonden",
        InterestKind.ADVISORY,
        starts_on=date(2020, 1, 1),
        ends_on=date(2023, 12, 31),
    )
    text = page_text(client.get(f"/members/{member.id}"))
    current, past = text.split("Tidligere interesser")
    assert "Ansættelse: Aarhus Kommune Digitaliseringschef Siden 1. marts 2019 · Oplyst" in current
    assert "Rådgivende rolle: Innovationsfonden Fra 1. januar 2020 til 31. december 2023" in past


def test_a_former_member_keeps_a_page_marked_as_former(client, make_user):
    former = make_user(Role.MEMBER, active=False, display_name="Tidligere Medlem")
    assert "Er ikke længere medlem af tænketanken." in page_text(
        client.get(f"/members/{former.id}")
    )


def test_member_page_lists_the_cases_the_viewer_may_see(client_as, member, make_case, make_user):
    make_case(state="open", visibility="public", title="Offentlig sag om chatbots")
    make_case(state="open", visibility="members", title="Lukket sag om datadeling")
    make_case(state="draft", title="Kladde om profilering")
    anonymous = page_text(client_as(None).get(f"/members/{member.id}"))
    colleague = page_text(client_as(make_user()).get(f"/members/{member.id}"))
    author = page_text(client_as(member).get(f"/members/{member.id}"))
    assert "Offentlig sag om chatbots" in anonymous and "Lukket sag om datadeling" not in anonymous
    assert "Lukket sag om datadeling" in colleague and "Kladde om profilering" not in colleague
    assert "Kladde om profilering" in author


def test_member_page_shows_vote_reasons_only_once_the_result_is_public(
    client_as, member, secretariat, make_vote_case
):
    vote = make_vote_case(visibility="public", title="Sag om ledighedsprognoser")
    cast(client_as(member), vote.id, vote.positions[1], "Profilering skader tilliden.")
    during = page_text(client_as(None).get(f"/members/{member.id}"))
    assert (
        "Profilering skader tilliden." not in during
        and "Ingen offentliggjorte stemmer endnu." in during
    )
    client_as(secretariat).post(f"/cases/{vote.id}/transition", data={"move": "close_voting"})
    after = page_text(client_as(None).get(f"/members/{member.id}"))
    assert "Sag om ledighedsprognoser : Nej" in after and "Profilering skader tilliden." in after


def test_a_members_only_vote_is_not_on_the_public_member_page(
    client_as, member, make_user, secretariat, make_vote_case
):
    vote = make_vote_case(visibility="members")
    cast(client_as(member), vote.id, vote.positions[0], "Kun for medlemmer.")
    client_as(secretariat).post(f"/cases/{vote.id}/transition", data={"move": "close_voting"})
    assert "Kun for medlemmer." not in page_text(client_as(None).get(f"/members/{member.id}"))
    assert "Kun for medlemmer." in page_text(client_as(make_user()).get(f"/members/{member.id}"))
