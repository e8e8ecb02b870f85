"""The frozen result split by the voters' sector at closing, with small sectors flagged and,
shown anonymously (a Chatham House case seen from outside), withheld."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from tests.conftest import cast, page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Sector
from thinktank.extensions import db
from thinktank.voting.models import VoteResult
from thinktank.voting.sectors import SECTOR_KEYS, sector_table
from thinktank.voting.tally import result_view


@pytest.fixture
def sector_vote(app, make_user, client_as, make_vote_case, secretariat):
    """Closed: four municipality voters (3 Ja, 1 abstains), two researchers (Ja, Nej), one
    private company (Nej) and one without a sector (Ja)."""
    vote = make_vote_case(visibility="public")
    ja, nej = vote.positions
    plan = [
        (Sector.MUNICIPALITY, ja), (Sector.MUNICIPALITY, ja), (Sector.MUNICIPALITY, ja),
        (Sector.MUNICIPALITY, "abstain"), (Sector.RESEARCH, ja), (Sector.RESEARCH, nej),
        (Sector.PRIVATE, nej), (None, ja),
    ]  # fmt: skip
    voters = []
    for n, (sector, choice) in enumerate(plan):
        voter = make_user(display_name=f"Sektorvælger {n}", sector=sector)
        assert cast(client_as(voter), vote.id, choice).status_code == 302
        voters.append(voter)
    response = client_as(secretariat).post(
        f"/cases/{vote.id}/transition", data={"move": "close_voting"}
    )
    assert response.status_code == 302
    vote.voters = voters
    return vote


def _snapshot(app, case_id):
    with app.app_context():
        return db.session.get(VoteResult, case_id).snapshot


def test_the_frozen_result_holds_the_counts_by_sector(app, sector_vote):
    snapshot = _snapshot(app, sector_vote.id)
    ja, nej = snapshot["positions"]
    assert set(ja["by_sector"]) == set(SECTOR_KEYS)
    assert ja["by_sector"]["municipality"] == 3
    assert ja["by_sector"]["research"] == 1
    assert ja["by_sector"]["none"] == 1
    assert nej["by_sector"]["private"] == 1
    assert snapshot["abstentions_by_sector"]["municipality"] == 1
    assert snapshot["sector_voters"] == {
        "municipality": 4, "region": 0, "state": 0, "private": 1, "research": 2,
        "civil_society": 0, "none": 1,
    }  # fmt: skip


def test_the_split_is_frozen_when_a_voter_later_changes_sector(app, sector_vote, client):
    before = _snapshot(app, sector_vote.id)
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.id.in_([v.id for v in sector_vote.voters]))
            .values(sector=Sector.STATE)
        )
        db.session.commit()
    assert _snapshot(app, sector_vote.id) == before
    text = page_text(client.get(f"/cases/{sector_vote.id}"))
    assert "Stemmer fordelt på sektor" in text
    assert "Kommune" in text and "Forskning" in text


def test_the_case_page_shows_the_sector_table_with_a_note_on_small_sectors(sector_vote, client):
    html = client.get(f"/cases/{sector_vote.id}").get_data(as_text=True)
    table = html.split('id="result-sectors"', 1)[1].split("</table>", 1)[0]
    assert "<caption>" in table and 'scope="col"' in table and 'scope="row"' in table
    assert "Ingen sektor" in table
    assert "færre end 3" not in table  # named display: the numbers are shown
    assert "Færre end 3 medlemmer af denne sektor stemte" in page_text(
        client.get(f"/cases/{sector_vote.id}")
    )


def test_anonymous_display_withholds_the_counts_of_small_sectors(app, sector_vote):
    snapshot = _snapshot(app, sector_vote.id)
    with app.test_request_context("/"):
        named = {row.key: row for row in sector_table(snapshot).rows}
        hidden = {row.key: row for row in sector_table(snapshot, anonymous=True).rows}
    assert named["research"].voters == 2 and named["research"].small
    assert hidden["research"].voters is None and hidden["research"].cells == [None, None, None]
    assert hidden["private"].voters is None and hidden["none"].voters is None
    assert hidden["municipality"].voters == 4 and hidden["municipality"].cells == [3, 0, 1]
    assert set(named) == {"municipality", "research", "private", "none"}  # empty sectors left out


def test_results_json_carries_the_split_and_withholds_it_when_anonymous(app, sector_vote, client):
    document = client.get(f"/cases/{sector_vote.id}/results.json").get_json()
    assert document["result"]["sector_voters"]["research"] == 2
    from thinktank.voting.page import results_document

    with app.test_request_context("/"):
        from flask_login import AnonymousUserMixin

        hidden = results_document(AnonymousUserMixin(), sector_vote.id, anonymous=True)["result"]
    assert hidden["sector_voters"]["research"] is None
    assert hidden["sector_voters"]["municipality"] == 4
    assert hidden["positions"][0]["by_sector"]["research"] is None
    assert set(hidden["withheld_sectors"]) == {"research", "private", "none"}


def test_an_old_snapshot_without_the_split_still_renders_it_from_its_votes(app):
    old = {
        "version": 1, "at": "2026-01-05T10:00:00+00:00", "participants": 5, "eligible": 5,
        "ballots": 2, "abstentions": 0, "abstention_share": 0.0, "recusals": 0,
        "uncounted": 0, "turnout": 0.4,
        "positions": [{"id": 1, "title": "Ja", "count": 2, "share": 1.0}],
        "votes": [
            {"voter_id": n, "name": f"V{n}", "organisation": "", "sector": "region",
             "role": "member", "choice": "position", "position_id": 1, "reason": "",
             "reason_html": "", "interests": []}
            for n in (1, 2)
        ],
    }  # fmt: skip
    with app.test_request_context("/"):
        view = result_view(old)
    assert [(row.key, row.voters, row.cells) for row in view.sectors.rows] == [
        ("region", 2, [2, 0])
    ]
    assert view.groups[0].conditional is None and view.groups[0].conditions == []
