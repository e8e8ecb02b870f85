"""The case page runs the same number of SQL queries with 2 ballots as with 200."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from tests.conftest import _PASSWORD_HASH, page_text
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role, Sector
from thinktank.extensions import db
from thinktank.members.models import Interest, InterestKind
from thinktank.voting.models import Ballot, BallotChoice


def _add_voters(app, vote, count: int, tag: str) -> None:
    """``count`` members, each with two declared interests and a ballot with a reason."""
    with app.app_context():
        users = [
            {
                "email": f"{tag}{n}@example.dk",
                "display_name": f"Medlem {tag} {n}",
                "organisation": "Testrup Kommune",
                "sector": list(Sector)[n % len(Sector)],  # the result is split by sector
                "role": Role.MEMBER,
                "password_hash": _PASSWORD_HASH,
                "session_token": f"{tag}-{n}",
            }
            for n in range(count)
        ]
        ids = db.session.scalars(insert(User).returning(User.id), users).all()
        db.session.execute(
            insert(Interest),
            [
                {"user_id": user_id, "kind": kind, "organisation": "Firma"}
                for user_id in ids
                for kind in (InterestKind.EMPLOYMENT, InterestKind.BOARD_SEAT)
            ],
        )
        db.session.execute(
            insert(Ballot),
            [
                {
                    "case_id": vote.id,
                    "voter_id": user_id,
                    "choice": BallotChoice.POSITION if n % 4 else BallotChoice.ABSTAIN,
                    "position_id": vote.positions[n % 2] if n % 4 else None,
                    "reason_html": f"<p>Begrundelse {n}</p>",
                    # some "yes, on conditions": the conditions are listed with the result
                    "conditional": bool(n % 4) and n % 3 == 0,
                    "conditions": f"Betingelse {n}" if n % 4 and n % 3 == 0 else "",
                    "conditions_html": f"<p>Betingelse {n}</p>" if n % 4 and n % 3 == 0 else "",
                }
                for n, user_id in enumerate(ids)
            ],
        )
        db.session.commit()


@pytest.mark.parametrize("stage", ["hidden", "open results", "closed"])
@pytest.mark.parametrize("who", ["anonymous", "member", "secretariat"])
def test_case_page_with_200_ballots_runs_a_fixed_number_of_queries(
    app, role_clients, client_as, secretariat, make_vote_case, count_queries, stage, who
):
    cases = {}
    for size in (2, 200):
        vote = make_vote_case(visibility="public", open_results=stage == "open results")
        _add_voters(app, vote, size, f"s{size}-")
        if stage == "closed":
            client_as(secretariat).post(
                f"/cases/{vote.id}/transition", data={"move": "close_voting"}
            )
        cases[size] = vote
    client = role_clients[who]
    # warm up (session, login) on another page: a visitor's second visit would be served
    # from the page cache, and this counts what rendering the page takes
    client.get("/cases/")
    with count_queries() as few:
        small = client.get(f"/cases/{cases[2].id}")
    with count_queries() as many:
        large = client.get(f"/cases/{cases[200].id}")
    assert small.status_code == large.status_code == 200
    assert ("Begrundelse 199" in page_text(large)) == (stage != "hidden")
    assert ("Betingelse 198" in page_text(large)) == (stage != "hidden")
    assert few.count == many.count, str(many)
    print(f"{stage}/{who}: {many.count} queries")
