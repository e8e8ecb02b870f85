"""Positions (propose, add, approve, edit, reject) and starting the vote.

Positions are settled before voting starts: once it has, nothing about them changes, so
every ballot and the frozen result refer to exactly the positions members voted on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from thinktank.audit.service import record
from thinktank.cases import lifecycle
from thinktank.cases.models import Case, CaseTransition
from thinktank.cases.vocabulary import CaseState
from thinktank.concurrency import Change, claim_edit, text_changes
from thinktank.double_posts import lock_author, recent_twin
from thinktank.errors import InvalidTransition, NotFound, ValidationFailed
from thinktank.extensions import db
from thinktank.markup import MARKUP_VERSION, render_markdown
from thinktank.models import utcnow
from thinktank.permissions import can, require
from thinktank.voting.models import Ballot, Position, PositionStatus, VotingRound

#: States in which positions may still change (the secretariat may prepare them on a draft).
OPEN_TO_CHANGE = frozenset({CaseState.DRAFT, CaseState.OPEN})
MIN_POSITIONS = 2

#: How this service's actions read in the logs.
AUDIT_ACTIONS = {
    "position_added": _l("A position was added to “%(title)s”"),
    "position_proposed": _l("%(name)s proposed a position on “%(title)s”"),
    "position_approved": _l("A position on “%(title)s” was approved"),
    "position_edited": _l("A position on “%(title)s” was edited"),
    "position_rejected": _l("A proposed position on “%(title)s” was rejected"),
}


@dataclass
class PositionInput:
    title: str
    explanation: str


def approved_positions(case_id: int) -> list[Position]:
    """The positions a case is (or will be) voted on, in the order they were added."""
    return list(
        db.session.scalars(
            select(Position)
            .where(Position.case_id == case_id, Position.status == PositionStatus.APPROVED)
            .order_by(Position.id)
        )
    )


def positions_of(case_id: int) -> list[Position]:
    """Every position on a case, proposals and rejections included, with who proposed it."""
    return list(
        db.session.scalars(
            select(Position)
            .where(Position.case_id == case_id)
            .options(joinedload(Position.proposer))
            .order_by(Position.id)
        )
    )


def position_of(case: Case, position_id: int) -> Position:
    position = db.session.scalar(
        select(Position).where(Position.id == position_id, Position.case_id == case.id)
    )
    if position is None:
        raise NotFound()
    return position


def ensure_open_to_change(case: Case) -> None:
    """Refuse, with a message saying why, once the case's positions are settled."""
    if case.state not in OPEN_TO_CHANGE:
        raise InvalidTransition(
            _("The positions can no longer be changed: voting on this case has started.")
            if case.state != CaseState.ARCHIVED
            else _("The case is archived, so its positions can no longer be changed.")
        )


def _write(position: Position, data: PositionInput) -> None:
    position.title = data.title.strip()[:200]
    position.explanation = data.explanation.strip()
    position.explanation_html = str(render_markdown(position.explanation))
    position.markup_version = MARKUP_VERSION
    position.updated_at = utcnow()


def add_position(user, case: Case, data: PositionInput) -> Position:
    """The secretariat adds an approved position; a member proposes one (while the case is open).
    The same position sent again by its author within a minute returns the one already made."""
    if can(user, "manage_positions", case):
        ensure_open_to_change(case)
        status = PositionStatus.APPROVED
    else:
        require("propose_position", case, user=user)
        ensure_open_to_change(case)
        if case.state != CaseState.OPEN:
            raise InvalidTransition(
                _("Positions can be proposed while the case is open for discussion.")
            )
        status = PositionStatus.PROPOSED
    lock_author(user)
    twin = recent_twin(
        Position,
        Position.case_id == case.id,
        Position.proposer_id == user.id,
        Position.title == data.title.strip()[:200],
        Position.explanation == data.explanation.strip(),
        Position.status != PositionStatus.REJECTED,
    )
    if twin is not None:
        return twin
    now = utcnow()
    position = Position(case_id=case.id, status=status, proposer_id=user.id, created_at=now)
    if status == PositionStatus.APPROVED:
        position.decided_by_id, position.decided_at = user.id, now
    _write(position, data)
    db.session.add(position)
    db.session.flush()
    action = "position_added" if status == PositionStatus.APPROVED else "position_proposed"
    record(action, actor=user, subject=position, title=case.title, name=user.display_name)
    return position


def _decide(user, case: Case, position_id: int) -> Position:
    require("manage_positions", case, user=user)
    ensure_open_to_change(case)
    return position_of(case, position_id)


def edit_position(
    user, case: Case, position_id: int, data: PositionInput, expected_version: int | None = None
) -> Position:
    """The secretariat edits a position's wording (a proposal stays a proposal); a form
    opened at an older ``expected_version`` raises :class:`EditConflict` instead."""
    position = _decide(user, case, position_id)
    claim_edit(position, "edit_version", expected_version, lambda _v: _changes(position, data))
    _write(position, data)
    record("position_edited", actor=user, subject=position, title=case.title)
    return position


def _changes(position: Position, typed: PositionInput) -> list[Change]:
    """Where the saved wording differs from what was typed (earlier wordings are not kept)."""
    return text_changes(
        [
            (_("Position"), typed.title.strip(), position.title),
            (_("Explanation"), typed.explanation.strip(), position.explanation),
        ]
    )


def approve_position(user, case: Case, position_id: int) -> Position:
    position = _decide(user, case, position_id)
    if position.status == PositionStatus.APPROVED:
        raise InvalidTransition(_("This position has already been approved."))
    position.status = PositionStatus.APPROVED
    position.rejection_reason = ""
    position.decided_by_id, position.decided_at = user.id, utcnow()
    record("position_approved", actor=user, subject=position, title=case.title)
    return position


def reject_position(user, case: Case, position_id: int, reason: str) -> Position:
    """Reject a proposal, with a reason the proposer and the other members can read."""
    position = _decide(user, case, position_id)
    if position.status != PositionStatus.PROPOSED:
        raise InvalidTransition(_("Only a proposed position can be rejected."))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for rejecting the proposal."), field="reason")
    position.status = PositionStatus.REJECTED
    position.rejection_reason = reason[:1000]
    position.decided_by_id, position.decided_at = user.id, utcnow()
    record("position_rejected", actor=user, subject=position, title=case.title)
    return position


# --- starting the vote -------------------------------------------------------------------


def start_voting(
    user,
    case: Case,
    *,
    closes_at: datetime | None,
    open_results: bool,
    note: str = "",
    min_turnout: int = 0,
) -> CaseTransition:
    """Open the vote with its options; needs at least two approved positions (the guard).
    Closing it below ``min_turnout`` per cent will ask the secretariat for a reason."""
    if closes_at is not None and closes_at <= utcnow():
        raise ValidationFailed(_("The closing time must be in the future."), field="closes_on")
    if not 0 <= min_turnout <= 100:
        raise ValidationFailed(
            _("The minimum turnout is a percentage from 0 to 100."), field="min_turnout"
        )
    return lifecycle.transition(
        user,
        case,
        "start_voting",
        note,
        manual=False,
        closes_at=closes_at,
        open_results=open_results,
        min_turnout=min_turnout,
    )


def needs_two_positions(case: Case) -> str | None:
    """Start voting's condition: at least two approved positions to vote on."""
    approved = db.session.scalar(
        select(func.count(Position.id)).where(
            Position.case_id == case.id, Position.status == PositionStatus.APPROVED
        )
    )
    if approved < MIN_POSITIONS:
        return _(
            "Voting needs at least %(n)d approved positions; this case has %(approved)d.",
            n=MIN_POSITIONS,
            approved=approved,
        )
    return None


def store_voting_options(case: Case, user, options: dict) -> None:
    """Start voting's consequence: the round, with its closing time, openness and turnout."""
    db.session.add(
        VotingRound(
            case_id=case.id,
            started_at=utcnow(),
            started_by_id=getattr(user, "id", None),
            closes_at=options.get("closes_at"),
            open_results=bool(options.get("open_results")),
            min_turnout=options.get("min_turnout") or 0,
        )
    )


def voting_round(case_id: int) -> VotingRound | None:
    return db.session.get(VotingRound, case_id)


def rerender_markdown() -> tuple[int, int]:
    """Re-render positions and ballots cooked by an older sanitiser (the reasons in frozen
    results: ``voting/rerender.py``); returns (positions, ballots)."""
    counts = []
    for model, source, target in (
        (Position, "explanation", "explanation_html"),
        (Ballot, "reason", "reason_html"),
    ):
        stale = db.session.scalars(
            select(model).where(model.markup_version != MARKUP_VERSION)
        ).all()
        for row in stale:
            setattr(row, target, str(render_markdown(getattr(row, source))))
            if model is Ballot and row.conditions:  # a ballot's conditions share its version
                row.conditions_html = str(render_markdown(row.conditions))
            row.markup_version = MARKUP_VERSION
        counts.append(len(stale))
    return counts[0], counts[1]
