"""Declared interests: members declare them on their profile; public, dated, never
deleted, only ended; shown next to votes as they were when the vote closed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import cast, page_text
from thinktank.extensions import db
from thinktank.members.models import Interest, InterestKind
from thinktank.models import local_today

DECLARATION = {
    "kind": "board_seat",
    "organisation": "Foreningen for Digital Inklusion",
    "description": "Ulønnet bestyrelsesmedlem",
    "starts_on": "2022-06-01",
    "ends_on": "",
}


def _interests(app, user_id):
    with app.app_context():
        return list(
            db.session.scalars(
                select(Interest).where(Interest.user_id == user_id).order_by(Interest.id)
            )
        )


def test_member_declares_an_interest_that_is_public_and_dated(app, client_as, member):
    client = client_as(member)
    assert "Tilføj eller afslut interesser" in page_text(client.get("/profile"))
    response = client.post("/profile/interests", data=DECLARATION)
    assert response.status_code == 302
    [interest] = _interests(app, member.id)
    assert (interest.kind, interest.starts_on, interest.ends_on) == (
        InterestKind.BOARD_SEAT,
        date(2022, 6, 1),
        None,
    )
    assert interest.declared_at is not None
    public = page_text(client_as(None).get(f"/members/{member.id}"))
    assert "Bestyrelsespost: Foreningen for Digital Inklusion Ulønnet bestyrelsesmedlem" in public
    assert "Siden 1. juni 2022 · Oplyst" in public
    register = page_text(client_as(None).get("/members/"))
    assert "Bestyrelsespost: Foreningen for Digital Inklusion" in register


def test_the_secretariat_declares_interests_too(app, client_as, secretariat):
    assert client_as(secretariat).post("/profile/interests", data=DECLARATION).status_code == 302
    assert len(_interests(app, secretariat.id)) == 1


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("reader", 403), ("admin", 403)])
def test_readers_and_admins_do_not_declare_interests(app, role_clients, who, status):
    assert role_clients[who].post("/profile/interests", data=DECLARATION).status_code == status
    assert role_clients[who].get("/profile/interests").status_code == status
    with app.app_context():
        assert db.session.scalar(select(Interest)) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"organisation": ""}, "Dette felt skal udfyldes."),
        ({"kind": ""}, "Vælg typen af interesse."),
        ({"kind": "bribe"}, "Ikke et gyldigt valg."),
        ({"ends_on": "2021-01-01"}, "Slutdatoen kan ikke ligge før startdatoen."),
        ({"starts_on": "sidste år"}, "Ikke en gyldig dato"),
    ],
)
def test_an_incomplete_declaration_is_shown_again_with_the_error(
    app, client_as, member, fields, message
):
    response = client_as(member).post("/profile/interests", data=DECLARATION | fields)
    assert response.status_code == 400 and message in page_text(response)
    assert _interests(app, member.id) == []


def test_ending_an_interest_keeps_it_as_a_past_interest(app, client_as, member):
    client = client_as(member)
    client.post("/profile/interests", data=DECLARATION)
    [interest] = _interests(app, member.id)
    yesterday = local_today() - timedelta(days=1)
    response = client.post(
        f"/profile/interests/{interest.id}/end",
        data={f"end-{interest.id}-ends_on": yesterday.isoformat()},
    )
    assert response.status_code == 302
    [ended] = _interests(app, member.id)
    assert ended.ends_on == yesterday and ended.ended_at is not None
    text = page_text(client_as(None).get(f"/members/{member.id}"))
    assert "Tidligere interesser" in text.split("Foreningen for Digital Inklusion")[0]
    assert "Ingen nuværende interesser oplyst." in text
    # ending again is refused; there is no way to delete it
    again = client.post(f"/profile/interests/{interest.id}/end", data={})
    assert again.status_code == 409
    assert client.post(f"/profile/interests/{interest.id}/delete", data={}).status_code in (
        404,
        405,
    )
    assert len(_interests(app, member.id)) == 1


def test_ending_without_a_date_ends_it_today(app, client_as, member):
    client = client_as(member)
    client.post("/profile/interests", data=DECLARATION)
    [interest] = _interests(app, member.id)
    client.post(f"/profile/interests/{interest.id}/end", data={})
    assert _interests(app, member.id)[0].ends_on == local_today()


def test_an_interest_cannot_end_before_it_started(app, client_as, member):
    client = client_as(member)
    client.post("/profile/interests", data=DECLARATION)
    [interest] = _interests(app, member.id)
    response = client.post(
        f"/profile/interests/{interest.id}/end", data={f"end-{interest.id}-ends_on": "2000-01-01"}
    )
    assert response.status_code == 400  # the error in the form, with the date kept
    assert "Ret venligst følgende" in page_text(response)
    assert "Slutdatoen kan ikke ligge før startdatoen." in page_text(response)
    html = response.get_data(as_text=True)
    assert f'href="#end-{interest.id}-ends_on"' in html and 'value="2000-01-01"' in html
    assert _interests(app, member.id)[0].ends_on is None


def test_nobody_ends_another_members_interest(app, client_as, member, make_user):
    client_as(member).post("/profile/interests", data=DECLARATION)
    [interest] = _interests(app, member.id)
    response = client_as(make_user()).post(f"/profile/interests/{interest.id}/end", data={})
    assert response.status_code == 404
    assert _interests(app, member.id)[0].ends_on is None


def test_interests_are_shown_next_to_votes_as_they_were_at_closing(
    app, client_as, member, secretariat, make_vote_case
):
    client = client_as(member)
    client.post("/profile/interests", data=DECLARATION | {"organisation": "Nuværende Forening"})
    client.post(
        "/profile/interests",
        data=DECLARATION | {"organisation": "Afsluttet Forening", "ends_on": "2023-01-01"},
    )
    vote = make_vote_case(visibility="public")
    cast(client, vote.id, vote.positions[0], "Min begrundelse.")
    client_as(secretariat).post(f"/cases/{vote.id}/transition", data={"move": "close_voting"})
    client.post("/profile/interests", data=DECLARATION | {"organisation": "Senere Forening"})
    text = page_text(client_as(None).get(f"/cases/{vote.id}"))
    vote_entry = text.split("Stemmer og begrundelser")[1]
    assert "Bestyrelsespost: Nuværende Forening – Ulønnet bestyrelsesmedlem." in vote_entry
    assert "Afsluttet Forening" not in vote_entry and "Senere Forening" not in vote_entry
