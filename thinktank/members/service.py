"""Member register and declared interests: declare, end, list, look up."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from thinktank.accounts.models import User
from thinktank.audit.service import record
from thinktank.cases.models import Case
from thinktank.cases.policies import named_clause, visible_clause
from thinktank.errors import InvalidTransition, NotFound, ValidationFailed
from thinktank.extensions import db
from thinktank.members.models import Interest, InterestKind
from thinktank.members.policies import participants_clause
from thinktank.models import local_today, utcnow
from thinktank.permissions import require

#: How this service's actions read in the logs.
AUDIT_ACTIONS = {
    "interest_declared": _l("%(name)s declared an interest"),
    "interest_ended": _l("%(name)s ended a declared interest"),
}


@dataclass
class InterestInput:
    kind: InterestKind
    organisation: str
    description: str
    starts_on: date | None
    ends_on: date | None


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationFailed(_("The end date cannot be before the start date."), field="ends_on")


def declare_interest(user, data: InterestInput) -> Interest:
    """Add a public, dated declaration for ``user``."""
    require("declare_interests", user=user)
    _check_dates(data.starts_on, data.ends_on)
    now = utcnow()
    interest = Interest(
        user_id=user.id,
        kind=data.kind,
        organisation=data.organisation.strip()[:200],
        description=data.description.strip()[:1000],
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        declared_at=now,
        ended_at=now if data.ends_on else None,
    )
    db.session.add(interest)
    db.session.flush()
    record("interest_declared", actor=user, subject=interest, name=user.display_name)
    return interest


def end_interest(user, interest_id: int, ends_on: date | None = None) -> Interest:
    """End one of ``user``'s own current declarations (it stays on the register as past)."""
    require("declare_interests", user=user)
    interest = db.session.scalar(
        select(Interest).where(Interest.id == interest_id, Interest.user_id == user.id)
    )
    if interest is None:
        raise NotFound()
    if interest.ended_at is not None:
        raise InvalidTransition(_("This interest has already been ended."))
    ends_on = ends_on or local_today()
    _check_dates(interest.starts_on, ends_on)
    interest.ends_on = ends_on
    interest.ended_at = utcnow()
    record("interest_ended", actor=user, subject=interest, name=user.display_name)
    return interest


def interests_of(user_ids: Iterable[int]) -> dict[int, list[Interest]]:
    """Every declaration of these users, newest first, in one query."""
    ids = list(set(user_ids))
    found: dict[int, list[Interest]] = defaultdict(list)
    if not ids:
        return found
    statement = (
        select(Interest)
        .where(Interest.user_id.in_(ids))
        .order_by(Interest.declared_at.desc(), Interest.id.desc())
    )
    for interest in db.session.scalars(statement):
        found[interest.user_id].append(interest)
    return found


def declared_interests(user_id: int) -> tuple[list[Interest], list[Interest]]:
    """One person's declarations split into (current, past), newest first."""
    interests = interests_of([user_id]).get(user_id, [])
    today = local_today()
    current = [interest for interest in interests if interest.is_current(today)]
    return current, [interest for interest in interests if not interest.is_current(today)]


def current_interests_of(user_ids: Iterable[int], on: date | None = None) -> dict[int, list]:
    on = on or local_today()
    return {
        user_id: [interest for interest in interests if interest.is_current(on)]
        for user_id, interests in interests_of(user_ids).items()
    }


# --- the register ------------------------------------------------------------------------


def register_query(query: str = "") -> Select:
    """Active members and secretariat staff, by name (paginate the result)."""
    statement = select(User).where(participants_clause(), User.active.is_(True))
    words = " ".join(query.split())[:100]
    if words:
        pattern = f"%{words.lower()}%"
        statement = statement.where(
            or_(
                db.func.lower(User.display_name).like(pattern),
                db.func.lower(User.organisation).like(pattern),
            )
        )
    return statement.order_by(User.display_name, User.id)


def member_for_page(member_id: int) -> User:
    """A member's or secretariat employee's account; readers and admins have no member page."""
    user = db.session.scalar(
        select(User).where(User.id == member_id, participants_clause(), User.deleted_at.is_(None))
    )
    if user is None:
        raise NotFound()
    return user


def authored_cases(viewer, member_id: int, limit: int = 50) -> list:
    """The cases a member wrote that ``viewer`` may see, newest activity first."""
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.author_id == member_id, visible_clause(viewer), named_clause(viewer))
            .order_by(Case.last_activity_at.desc(), Case.id.desc())
            .limit(limit)
        )
    )
