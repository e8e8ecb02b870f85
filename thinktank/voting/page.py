"""What the case page and the results document show about positions and the vote.

Results are shown only when they are public: after closing (the frozen snapshot) or, when
the secretariat chose open results, while voting runs. Until then everyone, whatever their
role, sees the positions, the turnout and (voters) their own ballot, never a count per
position. Each function here runs a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.cases import lifecycle
from thinktank.cases.chatham import hides_contributors
from thinktank.cases.models import Case
from thinktank.cases.policies import named_clause, visible_clause
from thinktank.cases.service import visible_case
from thinktank.cases.vocabulary import CaseState
from thinktank.discussion import service as discussion
from thinktank.extensions import db
from thinktank.members.models import InterestKind
from thinktank.members.policies import participants_clause
from thinktank.models import utcnow
from thinktank.permissions import can
from thinktank.voting.anonymous import shown_snapshot
from thinktank.voting.ballots import own_ballot
from thinktank.voting.forms import BallotForm, PositionForm, StartVotingForm
from thinktank.voting.models import Ballot, BallotChoice, PositionStatus, VoteResult
from thinktank.voting.service import MIN_POSITIONS, OPEN_TO_CHANGE, positions_of, voting_round
from thinktank.voting.tally import build_snapshot, current_turnout, result_view

AFTER_VOTING = frozenset({CaseState.CLOSED, CaseState.RECOMMENDED, CaseState.ARCHIVED})


def public_snapshot(case: Case, voting) -> tuple[dict[str, Any] | None, bool]:
    """(snapshot, final) when the results may be seen now, else (None, False)."""
    if case.state in AFTER_VOTING:
        stored = db.session.get(VoteResult, case.id)
        return (stored.snapshot, True) if stored else (None, False)
    if case.state == CaseState.VOTING and voting is not None and voting.open_results:
        return build_snapshot(case.id, utcnow()), False
    return None, False


def _member_ids(ids: set[int]) -> set[int]:
    """Which of these voters still have a member page (for links)."""
    if not ids:
        return set()
    return set(db.session.scalars(select(User.id).where(User.id.in_(ids), participants_clause())))


def _forms(case: Case, user, approved: list, ballot) -> dict[str, Any]:
    forms: dict[str, Any] = {"ballot_form": None, "position_form": None, "start_form": None}
    if case.state == CaseState.VOTING and can(user, "vote", case):
        forms["ballot_form"] = BallotForm.for_positions(
            approved, ballot, formdata=None, prefix="ballot"
        )
    manage = can(user, "manage_positions", case)
    if case.state in OPEN_TO_CHANGE and (
        manage or (case.state == CaseState.OPEN and can(user, "propose_position", case))
    ):
        forms["position_form"] = PositionForm(formdata=None, prefix="position")
    start = lifecycle.MOVES["start_voting"]
    if lifecycle.possible(case, start) and lifecycle.may_make(user, case, start):
        forms["start_form"] = StartVotingForm(formdata=None, prefix="start")
    return forms


def voting_section(case: Case, user) -> dict[str, Any] | None:
    manage = can(user, "manage_positions", case)
    if case.state == CaseState.DRAFT and not manage:
        return None
    positions = positions_of(case.id)
    approved = [p for p in positions if p.status == PositionStatus.APPROVED]
    sees_proposals = manage or can(user, "propose_position", case)
    voting = voting_round(case.id) if case.state not in OPEN_TO_CHANGE else None
    snapshot, final = public_snapshot(case, voting)
    ballot = (
        own_ballot(user, case.id)
        if case.state == CaseState.VOTING and can(user, "vote", case)
        else None
    )
    forms = _forms(case, user, approved, ballot)
    if not positions and voting is None and not any(forms.values()):
        return None
    snapshot = shown_snapshot(snapshot, case, user)
    result = result_view(snapshot) if snapshot else None
    return {
        "case": case,
        "hide_names": hides_contributors(case, user),
        "declared_interests": declared_interests(snapshot),
        "positions": approved,
        "titles": {p.id: p.title for p in approved},
        "proposals": [p for p in positions if p.status != PositionStatus.APPROVED]
        if sees_proposals
        else [],
        "manage": manage and case.state in OPEN_TO_CHANGE,
        "voting": voting,
        "result": result,
        "final": final,
        "member_ids": _member_ids(
            {v.voter_id for v in [*result.recusals, *(v for g in result.groups for v in g.votes)]}
        )
        if result
        else set(),
        "turnout": current_turnout(case.id)
        if case.state == CaseState.VOTING and result is None
        else None,
        "arguments": discussion.arguments("case", case.id) if approved else {},
        "ballot": ballot,
        "abstain": BallotChoice.ABSTAIN,
        "recuse": BallotChoice.RECUSE,
        "start_ready": len(approved) >= MIN_POSITIONS,
        "min_positions": MIN_POSITIONS,
        **forms,
    }


def frozen_result(case: Case) -> dict[str, Any] | None:
    """The frozen vote of a case, as the results template shows it (for recommendations)."""
    stored = db.session.get(VoteResult, case.id)
    if stored is None:
        return None
    snapshot = shown_snapshot(stored.snapshot, case)
    result = result_view(snapshot)
    voters = {v.voter_id for v in [*result.recusals, *(v for g in result.groups for v in g.votes)]}
    return {
        "result": result,
        "final": True,
        "member_ids": _member_ids(voters),
        "hide_names": hides_contributors(case),
        "declared_interests": declared_interests(snapshot),
    }


def declared_interests(snapshot: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The interests declared by a Chatham House case's voters, as one list without names
    (labels in the reader's language)."""
    found = []
    for item in (snapshot or {}).get("declared_interests", []):
        kind = item["kind"]
        label = InterestKind(kind).label if kind in InterestKind._value2member_map_ else kind
        found.append({"kind": label, "organisation": item["organisation"]})
    return found


def results_document(user, case_id: int) -> dict[str, Any]:
    """The vote on a case as JSON: settings, turnout, and the result only when public (the
    view makes the moves that have fallen due first)."""
    case = visible_case(user, case_id)
    positions = positions_of(case.id)
    voting = voting_round(case.id)
    snapshot, final = public_snapshot(case, voting)
    document: dict[str, Any] = {
        "case": {"id": case.id, "title": case.title, "state": case.state.value},
        "positions": [
            {"id": p.id, "title": p.title} for p in positions if p.status == PositionStatus.APPROVED
        ],
        "voting": None,
        "turnout": None,
        "result": shown_snapshot(snapshot, case, user),
        "final": final,
    }
    if voting is not None:
        document["voting"] = {
            "started_at": voting.started_at.isoformat(),
            "closes_at": voting.closes_at.isoformat() if voting.closes_at else None,
            "open_results": voting.open_results,
            "closed_at": voting.closed_at.isoformat() if voting.closed_at else None,
            "closed_automatically": voting.closed_automatically,
        }
    if case.state == CaseState.VOTING and snapshot is None:
        turnout = current_turnout(case.id)
        document["turnout"] = {"voted": turnout.voted, "eligible": turnout.eligible}
    return document


def frozen_votes_by(viewer, member_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """A member's votes and reasons as frozen in the results ``viewer`` may see, newest first."""
    rows = db.session.execute(
        select(VoteResult, Case)
        .join(Case, Case.id == VoteResult.case_id)
        .where(
            visible_clause(viewer),
            named_clause(viewer),  # a Chatham House vote is never listed under the voter's name
            VoteResult.case_id.in_(select(Ballot.case_id).where(Ballot.voter_id == member_id)),
        )
        .order_by(VoteResult.frozen_at.desc())
        .limit(limit)
    ).all()
    found = []
    for stored, case in rows:
        view = result_view(stored.snapshot)
        titles = {group.key: group.title for group in view.groups}
        for vote in [v for g in view.groups for v in g.votes] + view.recusals:
            if vote.voter_id == member_id:
                key = f"position-{vote.position_id}" if vote.position_id else vote.choice.value
                found.append(
                    {
                        "case": case,
                        "at": view.at,
                        "choice": titles.get(key) or vote.choice.label,
                        "recused": vote.choice == BallotChoice.RECUSE,
                        "reason_html": vote.reason_html,
                    }
                )
    return found
