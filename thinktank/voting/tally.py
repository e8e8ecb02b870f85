"""Counting votes: the turnout while voting runs, and the result as a plain JSON snapshot.

Definitions (shown on the results, and kept in every snapshot):

- *participants*: the active members and secretariat staff (the member register);
- a ballot *counts* when its voter is a participant: a vote for a position or an abstention;
- *recusals* (a declared conflict of interest) are shown but never counted;
- *eligible* = participants − recusals;  *turnout* = counted ballots / eligible;
- a position's *share* = its votes / counted ballots (abstentions included, so the
  shares of the positions and of the abstentions add up to 100 %).

The snapshot copies everything it shows (titles, names, affiliations, sectors, reasons and
declared interests), so it reads the same whatever happens to the live rows later.

Keys added in version 2 (a version-1 snapshot lacks them; :func:`result_view` then derives
the split from its votes, which always carried the voter's sector, and shows no conditions):

- ``sector_voters``: ``{sector: counted voters}`` for each sector key (``SECTOR_KEYS`` in
  ``sectors.py``: the values of :class:`Sector`, then ``"none"`` for a voter without a
  sector), as at closing;
- each position's ``by_sector`` (``{sector: votes}``) and ``conditional`` (how many of its
  votes were "yes, on conditions"; the rest are unconditional);
- ``abstentions_by_sector``: ``{sector: abstentions}``;
- each vote's ``conditional`` (bool), ``conditions`` (Markdown) beside ``conditions_html``,
  and ``condition_id``: the ballot's id, stable, by which a recommendation groups the
  conditions (None for a vote without conditions).

A sector with fewer than ``SMALL_SECTOR`` counted voters is flagged; shown anonymously (a
Chatham House case seen from outside the think tank) its counts are withheld (``sectors.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from thinktank.accounts.models import User, format_affiliation
from thinktank.accounts.roles import Sector
from thinktank.extensions import db
from thinktank.members.models import InterestKind
from thinktank.members.policies import participants_clause
from thinktank.members.service import current_interests_of
from thinktank.models import LOCAL_TIMEZONE
from thinktank.voting.models import Ballot, BallotChoice
from thinktank.voting.sectors import SectorTable, no_votes, sector_split, sector_table
from thinktank.voting.service import approved_positions

SNAPSHOT_VERSION = 2


@dataclass(frozen=True)
class Turnout:
    voted: int  # counted ballots: positions and abstentions
    eligible: int
    recused: int

    @property
    def share(self) -> float | None:
        return self.voted / self.eligible if self.eligible else None


def _counted(statement):
    """Only ballots of voters who are participants now count."""
    return statement.join(User, User.id == Ballot.voter_id).where(
        User.active.is_(True), participants_clause()
    )


def _participant_count() -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(User.active.is_(True), participants_clause())
    )


def current_turnout(case_id: int) -> Turnout:
    """How many have voted so far (never which way): two queries."""
    by_choice = dict(
        db.session.execute(
            _counted(select(Ballot.choice, func.count(Ballot.id)))
            .where(Ballot.case_id == case_id)
            .group_by(Ballot.choice)
        ).all()
    )
    recused = by_choice.get(BallotChoice.RECUSE, 0)
    voted = by_choice.get(BallotChoice.POSITION, 0) + by_choice.get(BallotChoice.ABSTAIN, 0)
    return Turnout(voted=voted, eligible=_participant_count() - recused, recused=recused)


def _share(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None


def build_snapshot(case_id: int, at: datetime) -> dict[str, Any]:
    """The result as it stands at ``at``, in a fixed number of queries."""
    positions = approved_positions(case_id)
    rows = db.session.execute(
        _counted(select(Ballot, User))
        .where(Ballot.case_id == case_id)
        .order_by(User.display_name, User.id)
    ).all()
    all_ballots = db.session.scalar(select(func.count(Ballot.id)).where(Ballot.case_id == case_id))
    participants = _participant_count()
    interests = current_interests_of(
        [user.id for _ballot, user in rows], on=at.astimezone(LOCAL_TIMEZONE).date()
    )
    counts = {position.id: 0 for position in positions}
    conditional = {position.id: 0 for position in positions}
    abstentions = recusals = 0
    votes = []
    for ballot, user in rows:
        if ballot.choice == BallotChoice.POSITION and ballot.position_id in counts:
            counts[ballot.position_id] += 1
            conditional[ballot.position_id] += bool(ballot.conditional)
        elif ballot.choice == BallotChoice.ABSTAIN:
            abstentions += 1
        elif ballot.choice == BallotChoice.RECUSE:
            recusals += 1
        votes.append(
            {
                "voter_id": user.id,
                "name": user.display_name,
                "organisation": user.organisation,
                "sector": user.sector.value if user.sector else None,
                "role": user.role.value,
                "choice": ballot.choice.value,
                "position_id": ballot.position_id,
                "reason": ballot.reason,
                "reason_html": ballot.reason_html,
                "conditional": bool(ballot.conditional),
                "conditions": ballot.conditions if ballot.conditional else "",
                "conditions_html": ballot.conditions_html if ballot.conditional else "",
                "condition_id": ballot.id if ballot.conditional else None,
                "interests": [i.snapshot() for i in interests.get(user.id, [])],
            }
        )
    counted = sum(counts.values()) + abstentions
    eligible = participants - recusals
    split = sector_split(votes)
    return {
        "version": SNAPSHOT_VERSION,
        "at": at.isoformat(),
        "participants": participants,
        "eligible": eligible,
        "ballots": counted,
        "abstentions": abstentions,
        "abstention_share": _share(abstentions, counted),
        "recusals": recusals,
        "uncounted": all_ballots - len(rows),
        "turnout": _share(counted, eligible),
        "sector_voters": split["sector_voters"],
        "abstentions_by_sector": split["abstain"],
        "positions": [
            {
                "id": position.id,
                "title": position.title,
                "count": counts[position.id],
                "share": _share(counts[position.id], counted),
                "conditional": conditional[position.id],
                "by_sector": split.get(position.id, no_votes()),
            }
            for position in positions
        ],
        "votes": votes,
    }


# --- reading a snapshot ------------------------------------------------------------------


@dataclass
class InterestView:
    kind: Any  # the translated label
    organisation: str
    description: str
    starts_on: date | None
    ends_on: date | None


@dataclass
class VoteView:
    voter_id: int
    name: str
    affiliation: str
    sector: Sector | None
    reason_html: str
    interests: list[InterestView]
    choice: BallotChoice
    position_id: int | None
    conditional: bool = False
    conditions: str = ""
    conditions_html: str = ""
    condition_id: int | None = None


@dataclass
class ConditionView:
    """One voter's conditions; ``name`` and ``affiliation`` are empty when shown anonymously."""

    id: int | None
    position_id: int | None
    name: str
    affiliation: str
    html: str


@dataclass
class Bar:
    key: str
    label: Any
    count: int
    share: float | None
    conditional: int | None = None  # of ``count``, the votes "yes, on conditions"


@dataclass
class VoteGroup:
    key: str
    title: Any
    count: int
    votes: list[VoteView] = field(default_factory=list)
    conditional: int | None = None  # None: abstentions, or a snapshot before conditions
    conditions: list[ConditionView] = field(default_factory=list)

    @property
    def unconditional(self) -> int | None:
        return None if self.conditional is None else self.count - self.conditional


@dataclass
class ResultView:
    at: datetime
    bars: list[Bar]
    turnout: Turnout
    participants: int
    uncounted: int
    groups: list[VoteGroup]  # one per position, then the abstentions
    recusals: list[VoteView]
    sectors: SectorTable | None = None
    anonymous: bool = False


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _vote_view(vote: dict[str, Any]) -> VoteView:
    sector = Sector(vote["sector"]) if vote.get("sector") in Sector._value2member_map_ else None
    return VoteView(
        voter_id=vote["voter_id"],
        name=vote["name"],
        affiliation=format_affiliation(vote.get("organisation") or "", sector),
        sector=sector,
        reason_html=vote.get("reason_html") or "",
        interests=[
            InterestView(
                kind=InterestKind(item["kind"]).label
                if item["kind"] in InterestKind._value2member_map_
                else item["kind"],
                organisation=item["organisation"],
                description=item.get("description") or "",
                starts_on=_day(item.get("starts_on")),
                ends_on=_day(item.get("ends_on")),
            )
            for item in vote.get("interests", [])
        ],
        choice=BallotChoice(vote["choice"]),
        position_id=vote.get("position_id"),
        conditional=bool(vote.get("conditional")),
        conditions=vote.get("conditions") or "",
        conditions_html=vote.get("conditions_html") or "",
        condition_id=vote.get("condition_id"),
    )


def _condition(vote: VoteView, anonymous: bool) -> ConditionView:
    return ConditionView(
        id=vote.condition_id,
        position_id=vote.position_id,
        name="" if anonymous else vote.name,
        affiliation="" if anonymous else vote.affiliation,
        html=vote.conditions_html,
    )


def result_view(snapshot: dict[str, Any], *, anonymous: bool = False) -> ResultView:
    """A snapshot as the results template shows it (bars, turnout, votes by position, the
    split by sector, the conditions). ``anonymous``: a Chatham House case seen from outside
    the think tank (small sectors' counts withheld, conditions without names)."""
    votes = [_vote_view(vote) for vote in snapshot["votes"]]
    groups = [
        VoteGroup(f"position-{p['id']}", p["title"], p["count"], conditional=p.get("conditional"))
        for p in snapshot["positions"]
    ]
    by_position = {p["id"]: group for p, group in zip(snapshot["positions"], groups, strict=True)}
    abstained = VoteGroup("abstain", _("Abstained"), snapshot["abstentions"])
    recusals = []
    for vote in votes:
        if vote.choice == BallotChoice.POSITION and vote.position_id in by_position:
            by_position[vote.position_id].votes.append(vote)
            if vote.conditional:
                by_position[vote.position_id].conditions.append(_condition(vote, anonymous))
        elif vote.choice == BallotChoice.ABSTAIN:
            abstained.votes.append(vote)
        elif vote.choice == BallotChoice.RECUSE:
            recusals.append(vote)
    bars = [
        Bar(group.key, group.title, p["count"], p["share"], p.get("conditional"))
        for p, group in zip(snapshot["positions"], groups, strict=True)
    ]
    bars.append(
        Bar("abstain", abstained.title, snapshot["abstentions"], snapshot["abstention_share"])
    )
    return ResultView(
        at=datetime.fromisoformat(snapshot["at"]),
        bars=bars,
        turnout=Turnout(snapshot["ballots"], snapshot["eligible"], snapshot["recusals"]),
        participants=snapshot["participants"],
        uncounted=snapshot.get("uncounted", 0),
        groups=[*groups, abstained],
        recusals=recusals,
        sectors=sector_table(snapshot, anonymous=anonymous),
        anonymous=anonymous,
    )
