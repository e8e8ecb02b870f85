"""Who may see, create and edit cases (in the one permission table)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, true

from thinktank.accounts.roles import Role
from thinktank.cases.models import Case
from thinktank.cases.vocabulary import CaseState, Visibility
from thinktank.permissions import has_role

EDITABLE_BY_SECRETARIAT = {CaseState.DRAFT, CaseState.OPEN}


def can_view(user, case: Case) -> bool:
    if has_role(user, Role.SECRETARIAT):
        return True
    if case.state == CaseState.DRAFT:
        return bool(user.is_authenticated and case.author_id == user.id and user.active)
    if case.visibility == Visibility.PUBLIC:
        return True
    return has_role(user, Role.MEMBER)


def visible_clause(user) -> ColumnElement[bool]:
    """The SQL form of :func:`can_view`, for lists and counts."""
    if has_role(user, Role.SECRETARIAT):
        return true()
    published = Case.state != CaseState.DRAFT
    seen = [and_(published, Case.visibility == Visibility.PUBLIC)]
    if has_role(user, Role.MEMBER):
        seen.append(published)
    if user.is_authenticated and user.active:
        seen.append(Case.author_id == user.id)
    return or_(*seen) if seen else false()


def can_create(user, _obj=None) -> bool:
    return has_role(user, Role.MEMBER)


def can_edit(user, case: Case) -> bool:
    if has_role(user, Role.SECRETARIAT):
        return case.state in EDITABLE_BY_SECRETARIAT
    return (
        case.state == CaseState.DRAFT and has_role(user, Role.MEMBER) and case.author_id == user.id
    )


def can_discuss(user, _case: Case | None = None) -> bool:
    """Members write in a case's discussion (whether it takes comments now is the case's state)."""
    return has_role(user, Role.MEMBER)


def can_submit(user, case: Case) -> bool:
    """A member hands their own draft to the secretariat (the secretariat opens its own)."""
    return (
        has_role(user, Role.MEMBER)
        and not has_role(user, Role.SECRETARIAT)
        and case.author_id == user.id
    )


def can_steer(user, _case: Case | None = None) -> bool:
    """The secretariat moves cases through their states (return, open, vote, publish, archive)."""
    return has_role(user, Role.SECRETARIAT)


def sees_contributors(user, case: Case | None = None) -> bool:
    """Who a contribution is by: named inside the think tank (members, secretariat,
    administrators); in a Chatham House case everyone else sees only the author's sector."""
    if case is None or not case.chatham_house:
        return True
    return has_role(user, Role.MEMBER)


def named_clause(user) -> ColumnElement[bool]:
    """The SQL form of :func:`sees_contributors`: the cases whose contributions ``user``
    sees under their authors' names (lists of what one person wrote or voted)."""
    if has_role(user, Role.MEMBER):
        return true()
    return Case.chatham_house.is_(False)
