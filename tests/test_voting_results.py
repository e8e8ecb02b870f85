"""Results: hidden from everyone until closing (unless open results), then frozen as a
snapshot that later changes to ballots, users and interests never alter."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest import cast, page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.cases.models import Case, CaseTransition
from thinktank.cases.vocabulary import CaseState
from thinktank.extensions import db
from thinktank.members.models import Interest, InterestKind
from thinktank.voting.models import Ballot, VoteResult, VotingRound

ROLES = ["anonymous", "reader", "member", "secretariat", "admin"]


@pytest.fixture
def voted(app, make_user, client_as, make_vote_case):
    """A public case in voting: 3 votes for 'Ja', 1 for 'Nej', 1 abstention, 1 recusal.

    Participants: the six voters, the case's author (a member) and the secretariat = 8.
    """

    def make(**options):
        vote = make_vote_case(
            positions=("Ja, på betingelser", "Nej", "Kun som forsøg"),
            visibility="public",
            **options,
        )
        voters = [make_user(display_name=f"Vælger {n}") for n in range(6)]
        with app.app_context():
            db.session.add(
                Interest(
                    user_id=voters[0].id,
                    kind=InterestKind.EMPLOYMENT,
                    organisation="Netcompany",
                    description="Partner",
                )
            )
            db.session.commit()
        ja, nej, _forsoeg = vote.positions
        for voter, choice, reason in zip(
            voters,
            [ja, ja, ja, nej, "abstain", "recuse"],
            [
                "Med ret til indsigt.",
                "",
                "",
                "Profilering skader tilliden.",
                "",
                "Min arbejdsgiver sælger modellen.",
            ],
            strict=True,
        ):
            assert cast(client_as(voter), vote.id, choice, reason).status_code == 302
        vote.voters = voters
        return vote

    return make


def _close(client_as, secretariat, case_id):
    return client_as(secretariat).post(
        f"/cases/{case_id}/transition", data={"move": "close_voting"}
    )


def _results_html(html: str) -> str:
    """The voting section up to the list of positions (the result, when shown)."""
    return html.split('id="voting"', 1)[1].split('id="positions-title"', 1)[0]


@pytest.mark.parametrize("who", ROLES + ["voter"])
def test_results_are_hidden_from_every_role_while_voting(app, role_clients, client_as, voted, who):
    vote = voted()
    client = client_as(vote.voters[0]) if who == "voter" else role_clients[who]
    html = client.get(f"/cases/{vote.id}").get_data(as_text=True)
    text = page_text(client.get(f"/cases/{vote.id}"))
    assert "Resultatet er skjult, indtil afstemningen lukker." in text
    assert "<meter" not in html and 'class="tally' not in html and 'id="result"' not in html
    for shown in ("3 stemmer", "1 stemme ", "50 %", "Stemte blankt", "Stemmer og begrundelser"):
        assert shown not in text
    assert "Profilering skader" not in html  # another member's reason
    if who != "voter":  # the voter sees their own reason in their form
        assert "Med ret til indsigt" not in html
    document = client.get(f"/cases/{vote.id}/results.json")
    assert document.status_code == 200
    data = document.get_json()
    assert data["result"] is None and data["final"] is False
    assert "count" not in document.get_data(as_text=True)
    assert data["turnout"] == {"voted": 5, "eligible": 7}  # 8 participants - 1 recused


def test_a_voter_sees_only_their_own_ballot_and_the_turnout(client_as, voted):
    vote = voted()
    text = page_text(client_as(vote.voters[3]).get(f"/cases/{vote.id}"))
    assert "Du stemte for »Nej«." in text
    assert "5 af 7 stemmeberettigede medlemmer har stemt." in text


@pytest.mark.parametrize("who", ROLES)
def test_open_results_are_shown_to_everyone_while_voting(role_clients, voted, who):
    vote = voted(open_results=True)
    client = role_clients[who]
    text = page_text(client.get(f"/cases/{vote.id}"))
    assert "Resultatet indtil nu" in text and "Sekretariatet har valgt åbne resultater" in text
    assert "3 stemmer (60 %)" in text and "1 stemme (20 %)" in text
    data = client.get(f"/cases/{vote.id}/results.json").get_json()
    assert data["final"] is False
    assert [p["count"] for p in data["result"]["positions"]] == [3, 1, 0]


def test_closing_by_hand_freezes_the_result_everyone_sees(
    app, role_clients, client_as, secretariat, voted
):
    vote = voted()
    assert _close(client_as, secretariat, vote.id).status_code == 302
    with app.app_context():
        assert db.session.get(Case, vote.id).state == CaseState.CLOSED
        voting = db.session.get(VotingRound, vote.id)
        assert voting.closed_by_id == secretariat.id and not voting.closed_automatically
        snapshot = db.session.get(VoteResult, vote.id).snapshot
    assert [(p["title"], p["count"], p["share"]) for p in snapshot["positions"]] == [
        ("Ja, på betingelser", 3, 0.6),
        ("Nej", 1, 0.2),
        ("Kun som forsøg", 0, 0.0),
    ]
    assert (snapshot["abstentions"], snapshot["recusals"], snapshot["ballots"]) == (1, 1, 5)
    # eligible: 8 participants, minus 1 recused
    assert (snapshot["participants"], snapshot["eligible"], snapshot["turnout"]) == (8, 7, 0.7143)
    charts = set()
    for who in ROLES:
        client = role_clients[who]
        html = client.get(f"/cases/{vote.id}").get_data(as_text=True)
        text = page_text(client.get(f"/cases/{vote.id}"))
        assert "Resultat" in text and "Stemmer og begrundelser" in text
        assert "3 stemmer (60 %)" in text and "Deltagelse 5 af 7 stemmeberettigede (71,4 %)" in text
        assert "Inhabile på grund af interessekonflikt" in text
        assert "Min arbejdsgiver sælger modellen." in text
        charts.add(re.search(r'<figure class="tally">.*?</figure>', html, re.S).group(0))
        assert client.get(f"/cases/{vote.id}/results.json").get_json()["result"] == snapshot
    assert len(charts) == 1  # everyone sees the same chart


def test_reasons_are_grouped_by_position_with_names_and_declared_interests(
    client_as, secretariat, voted
):
    vote = voted()
    _close(client_as, secretariat, vote.id)
    text = page_text(client_as(None).get(f"/cases/{vote.id}"))
    ja = text.index("Ja, på betingelser (3 stemmer)")
    nej = text.index("Nej (1 stemme)")
    blank = text.index("Stemte blankt (1 stemme)")
    assert ja < text.index("Vælger 0") < text.index("Med ret til indsigt.") < nej
    assert nej < text.index("Profilering skader tilliden.") < blank
    assert "Oplyste interesser: Ansættelse: Netcompany – Partner." in text
    html = client_as(None).get(f"/cases/{vote.id}").get_data(as_text=True)
    assert f'href="/members/{vote.voters[0].id}-vaelger-0"' in html


def test_the_chart_has_the_numbers_as_text_and_no_inline_styles(client_as, secretariat, voted):
    from tests.conftest import assert_page_safe

    vote = voted()
    _close(client_as, secretariat, vote.id)
    html = client_as(None).get(f"/cases/{vote.id}").get_data(as_text=True)
    assert_page_safe(html)
    bars = re.findall(
        r'<meter class="tally-bar" min="0" max="(\d+)" value="(\d+)" aria-hidden="true">', html
    )
    assert bars == [("5", "3"), ("5", "1"), ("5", "0"), ("5", "1")]


def test_a_vote_whose_closing_time_has_passed_closes_when_the_case_page_loads(
    app, client_as, voted
):
    vote = voted(closes_at=datetime.now(UTC) + timedelta(hours=1))
    with app.app_context():
        db.session.execute(
            update(VotingRound).values(closes_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        db.session.commit()
    text = page_text(client_as(None).get(f"/cases/{vote.id}"))
    assert "Den lukkede automatisk" in text and "3 stemmer (60 %)" in text
    with app.app_context():
        assert db.session.get(Case, vote.id).state == CaseState.CLOSED
        assert db.session.get(VotingRound, vote.id).closed_automatically
        step = db.session.scalar(
            select(CaseTransition).where(CaseTransition.action == "close_voting")
        )
        assert step.actor_id is None


def test_a_vote_sent_after_the_closing_time_is_refused_and_closes_the_vote(
    app, client_as, make_user, voted
):
    vote = voted(closes_at=datetime.now(UTC) + timedelta(hours=1))
    with app.app_context():
        db.session.execute(update(VotingRound).values(closes_at=datetime.now(UTC)))
        db.session.commit()
    late = make_user()
    response = cast(client_as(late), vote.id, vote.positions[1])
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Case, vote.id).state == CaseState.CLOSED
        assert db.session.scalar(select(Ballot).where(Ballot.voter_id == late.id)) is None
        assert db.session.get(VoteResult, vote.id).snapshot["ballots"] == 5


def test_close_due_votes_closes_only_the_votes_that_are_due(app, make_vote_case):
    due = make_vote_case(closes_at=datetime.now(UTC) + timedelta(hours=1))
    later = make_vote_case(closes_at=datetime.now(UTC) + timedelta(days=2))
    by_hand = make_vote_case()
    with app.app_context():
        db.session.execute(
            update(VotingRound)
            .where(VotingRound.case_id == due.id)
            .values(closes_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["close-due-votes"])
    assert result.exit_code == 0 and "1 votes closed." in result.output
    with app.app_context():
        states = {c: db.session.get(Case, c).state for c in (due.id, later.id, by_hand.id)}
        assert db.session.get(VoteResult, due.id) is not None
    assert states == {
        due.id: CaseState.CLOSED,
        later.id: CaseState.VOTING,
        by_hand.id: CaseState.VOTING,
    }
    assert "0 votes closed." in runner.invoke(args=["close-due-votes"]).output


def test_the_snapshot_never_changes_after_closing(app, client_as, secretariat, voted):
    vote = voted()
    _close(client_as, secretariat, vote.id)
    anonymous = client_as(None)
    before_page = _results_html(anonymous.get(f"/cases/{vote.id}").get_data(as_text=True))
    before_json = anonymous.get(f"/cases/{vote.id}/results.json").get_json()["result"]
    first, second, fourth = vote.voters[0], vote.voters[1], vote.voters[3]
    with app.app_context():
        # a ballot edited in the database, a member renamed, one deleted, an interest ended,
        # a position renamed, and a new member who would change the turnout
        db.session.execute(
            update(Ballot)
            .where(Ballot.voter_id == fourth.id)
            .values(position_id=vote.positions[0], reason_html="<p>Ændret bagefter</p>")
        )
        db.session.execute(
            update(User)
            .where(User.id == first.id)
            .values(display_name="Nyt Navn", organisation="Andet firma")
        )
        db.session.execute(update(Interest).values(ends_on=datetime(2020, 1, 1).date()))
        db.session.execute(update(User).where(User.id == second.id).values(role=Role.READER))
        db.session.delete(db.session.get(User, fourth.id))
        db.session.add(
            User(email="ny@example.dk", display_name="Ny", role=Role.MEMBER, password_hash="x")
        )
        from thinktank.voting.models import Position

        db.session.execute(update(Position).values(title="Omdøbt"))
        db.session.commit()
    after_json = anonymous.get(f"/cases/{vote.id}/results.json").get_json()["result"]
    assert after_json == before_json
    after_page = _results_html(anonymous.get(f"/cases/{vote.id}").get_data(as_text=True))
    # links to member pages may go (the deleted member has none); every word stays the same
    strip_links = lambda html: re.sub(r"<a [^>]*>|</a>|<strong>|</strong>", "", html)  # noqa: E731
    assert strip_links(after_page).replace("Omdøbt", "") == strip_links(before_page).replace(
        "Omdøbt", ""
    )
    text = page_text(anonymous.get(f"/cases/{vote.id}"))
    assert "Profilering skader tilliden." in text and "Ændret bagefter" not in text
    assert "Vælger 0" in text and "Netcompany – Partner" in text
    assert json.dumps(after_json).count('"count": 3') == 1


def test_ballots_of_members_who_left_before_closing_are_not_counted(
    app, client_as, secretariat, voted
):
    vote = voted()
    with app.app_context():
        db.session.execute(update(User).where(User.id == vote.voters[0].id).values(active=False))
        db.session.commit()
    _close(client_as, secretariat, vote.id)
    with app.app_context():
        snapshot = db.session.get(VoteResult, vote.id).snapshot
    assert snapshot["positions"][0]["count"] == 2
    assert (snapshot["participants"], snapshot["uncounted"]) == (7, 1)


def test_a_vote_with_no_ballots_closes_with_an_empty_result(
    app, client_as, secretariat, make_vote_case
):
    vote = make_vote_case(visibility="public")
    _close(client_as, secretariat, vote.id)
    text = page_text(client_as(None).get(f"/cases/{vote.id}"))
    assert "0 stemmer talt med" in text and "Ingen stemte." in text
