"""Who finds what: the search's own form of the rules of the pages its results link to."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true

from thinktank.accounts.roles import Role
from thinktank.permissions import has_role
from thinktank.search.models import Audience, SearchDocument


def visible_clause(user) -> ColumnElement[bool]:
    """What ``user`` may open: the SQL form of the linked pages' own rules (see index.py)."""
    if has_role(user, Role.SECRETARIAT):
        return true()
    seen = [SearchDocument.audience == Audience.PUBLIC]
    if has_role(user, Role.MEMBER):
        seen.append(SearchDocument.audience == Audience.MEMBERS)
    if user.is_authenticated and user.active:
        seen.append(SearchDocument.owner_id == user.id)
    return or_(*seen) if seen else false()
