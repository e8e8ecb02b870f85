"""The case state machine: one table of allowed moves (who may make each one is its
action in the permission table, ``thinktank.wiring.POLICIES``).

    draft ──open──▶ open ──start_voting──▶ voting ──close_voting──▶ closed ──publish──▶ recommended
      │ submit/return (the author hands a draft to the secretariat; it stays a draft)
    any state except archived ──archive──▶ archived

Other domains add conditions (``guard``) and consequences (``after``) to a move, e.g.
voting needs two approved positions and closing freezes the tally, and moves that fall due
at a set time (``due``), e.g. a vote whose closing time has passed; ``thinktank.wiring``
adds them all when the app is built. A move made by the
system, not a person, has no actor (``user=None``) and is never a manual move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from thinktank.audit.service import record
from thinktank.cases.models import Case, CaseTransition
from thinktank.cases.vocabulary import CaseState
from thinktank.errors import (
    Concern,
    ConfirmationRequired,
    InvalidTransition,
    LoginRequired,
    NotAllowed,
)
from thinktank.extensions import db
from thinktank.models import utcnow
from thinktank.permissions import can
from thinktank.registry import append_once


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[CaseState]
    target: CaseState
    action: str  # who may make it: the action's policy in the permission table
    label: object  # the button
    done: object  # the timeline entry
    log: object  # the public log line, with %(title)s
    manual: bool = True  # False: only made by another domain's service (e.g. publishing)
    when: Callable[[Case], bool] = field(default=lambda case: True)


_ALL_BUT_ARCHIVED = frozenset(CaseState) - {CaseState.ARCHIVED}

MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move(
            "submit",
            frozenset({CaseState.DRAFT}),
            CaseState.DRAFT,
            "submit_case",
            _l("Submit to the secretariat"),
            _l("Submitted to the secretariat"),
            _l("The draft “%(title)s” was submitted"),
            when=lambda case: case.submitted_at is None,
        ),
        Move(
            "return",
            frozenset({CaseState.DRAFT}),
            CaseState.DRAFT,
            "return_case",
            _l("Return to the author"),
            _l("Returned to the author"),
            _l("The draft “%(title)s” was returned to its author"),
            when=lambda case: case.submitted_at is not None,
        ),
        Move(
            "open",
            frozenset({CaseState.DRAFT}),
            CaseState.OPEN,
            "open_case",
            _l("Open for discussion"),
            _l("Opened for discussion"),
            _l("The case “%(title)s” was opened for discussion"),
        ),
        Move(
            "start_voting",
            frozenset({CaseState.OPEN}),
            CaseState.VOTING,
            "start_voting",
            _l("Start voting"),
            _l("Voting started"),
            _l("Voting started on “%(title)s”"),
            manual=False,  # needs the voting options: thinktank.voting's start-voting form
        ),
        Move(
            "close_voting",
            frozenset({CaseState.VOTING}),
            CaseState.CLOSED,
            "close_voting",
            _l("Close voting"),
            _l("Voting closed"),
            _l("Voting closed on “%(title)s”"),
        ),
        Move(
            "publish",
            frozenset({CaseState.CLOSED}),
            CaseState.RECOMMENDED,
            "publish_case",
            _l("Publish recommendation"),
            _l("Recommendation published"),
            _l("A recommendation was published for “%(title)s”"),
            manual=False,
        ),
        Move(
            "archive",
            _ALL_BUT_ARCHIVED,
            CaseState.ARCHIVED,
            "archive_case",
            _l("Archive"),
            _l("Archived"),
            _l("The case “%(title)s” was archived"),
        ),
    )
}
CREATED = _l("Created as a draft")

#: How each move reads in the logs (the audit's descriptions of the ``case_<move>`` actions).
AUDIT_ACTIONS = {f"case_{move.name}": move.log for move in MOVES.values()}

_guards: dict[str, list[Callable[[Case], str | None]]] = {}
_after: dict[str, list[Callable[[Case, object, dict], None]]] = {}
_due: list[Callable[[int | None], int]] = []
_concerns: dict[str, list[Callable[[Case], list[Concern]]]] = {}


def _hooks(hooks: dict[str, list], move_name: str) -> list:
    if move_name not in MOVES:
        raise ValueError(f"no move named {move_name!r}")
    return hooks.setdefault(move_name, [])


def guard(move_name: str, check: Callable[[Case], str | None]) -> None:
    """Add a condition to a move: a function returning a refusal message or None."""
    append_once(_hooks(_guards, move_name), check)


def after(move_name: str, effect: Callable[[Case, object, dict], None]) -> None:
    """Add a consequence to a move, run in the same transaction (a failure undoes the move)."""
    append_once(_hooks(_after, move_name), effect)


def concern(move_name: str, check: Callable[[Case], list[Concern]]) -> None:
    """Add what makes a move need a reason (e.g. closing a vote early): a function
    returning the concerns that apply to the case now (an empty list: none)."""
    append_once(_hooks(_concerns, move_name), check)


def concerns(case: Case, move_name: str) -> list[Concern]:
    """Why ``move_name`` on ``case`` would need a reason now (empty: it needs none)."""
    return [found for check in _concerns.get(move_name, []) for found in check(case)]


def due(check: Callable[[int | None], int]) -> None:
    """Add a function that makes the moves now due on one case (or on all, for None),
    as the system, and returns how many it made. There is no background job: due moves are
    made when a page loads the case, and by a command (e.g. ``close-due-votes``)."""
    append_once(_due, check)


def make_due_moves(case_id: int | None = None) -> int:
    """Make every move that has fallen due on ``case_id`` (or on every case)."""
    return sum(check(case_id) for check in _due)


def possible(case: Case, move: Move) -> bool:
    return case.state in move.sources and move.when(case)


def may_make(user, case: Case, move: Move) -> bool:
    """Whether ``user`` may make ``move`` on ``case`` (not whether it is possible now)."""
    return can(user, move.action, case)


def available_moves(user, case: Case) -> list[Move]:
    """The moves this user can make on this case now (for the buttons)."""
    return [m for m in MOVES.values() if m.manual and possible(case, m) and may_make(user, case, m)]


def transition(
    user,
    case: Case,
    move_name: str,
    note: str = "",
    *,
    manual: bool = True,
    reason: str = "",
    **options,
) -> CaseTransition:
    """Make ``move_name`` on ``case`` as ``user``; refused with a clear message otherwise.

    ``user=None`` is the system (e.g. a vote closing at its set time): only for moves made
    by another domain's service (``manual=False``), and recorded without an actor.
    A person making a move that has concerns (see :func:`concern`) must give a ``reason``;
    it becomes the timeline note and is kept in the log entry.
    """
    move = MOVES.get(move_name)
    system = user is None
    if move is None or (manual and not move.manual) or (system and manual):
        raise InvalidTransition(_("There is no such step for a case."))
    if not system and not may_make(user, case, move):
        if not user.is_authenticated:
            raise LoginRequired()
        raise NotAllowed(_("You may not do this with this case."))
    if not possible(case, move):
        raise InvalidTransition(
            _(
                "“%(step)s” is not possible while the case is “%(state)s”.",
                step=move.label,
                state=case.state.label,
            )
        )
    for check in _guards.get(move_name, []):
        refusal = check(case)
        if refusal:
            raise InvalidTransition(refusal)
    found = [] if system else concerns(case, move_name)
    reason = (reason or "").strip()
    if found and not reason:
        raise ConfirmationRequired(found)
    if found:
        note = reason
    now = utcnow()
    step = CaseTransition(
        case_id=case.id,
        action=move.name,
        from_state=case.state,
        to_state=move.target,
        actor_id=None if system else user.id,
        note=note.strip()[:1000],
        created_at=now,
    )
    db.session.add(step)
    case.state = move.target
    if move_name == "submit":
        case.submitted_at = now
    elif move_name == "return":
        case.submitted_at = None
    case.last_activity_at = now
    for effect in _after.get(move_name, []):
        effect(case, user, options)
    record(
        f"case_{move.name}",
        actor=user,
        public=case.is_public and move.target != CaseState.DRAFT,
        subject=case,
        title=case.title,
        **_confirmed(found, reason),
    )
    return step


def _confirmed(found: list[Concern], reason: str) -> dict:
    """What the log keeps of a confirmed step: the reason, and the facts that asked for it."""
    if not found:
        return {}
    kept: dict = {"reason": reason[:1000]}
    for item in found:
        kept |= item.data
    return kept
