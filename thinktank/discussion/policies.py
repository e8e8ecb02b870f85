"""Who may do what with comments (in the one permission table)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.discussion.models import Comment
from thinktank.permissions import has_role


def _own(user, comment: Comment) -> bool:
    return bool(user.is_authenticated and user.active and comment.author_id == user.id)


def can_edit(user, comment: Comment) -> bool:
    return _own(user, comment) and not comment.is_removed and has_role(user, Role.MEMBER)


def can_delete(user, comment: Comment) -> bool:
    return _own(user, comment) and not comment.is_removed


def can_reply(user, comment: Comment) -> bool:
    """Whether the discussion takes posts is the subject's rule; a removed comment never
    gets an answer (there is nothing left to answer, and no form is offered)."""
    return has_role(user, Role.READER) and not comment.is_removed


def can_remove(user, comment: Comment) -> bool:
    return has_role(user, Role.SECRETARIAT) and not comment.is_removed


def can_flag(user, comment: Comment) -> bool:
    return has_role(user, Role.READER) and not _own(user, comment) and not comment.is_removed


def can_moderate(user, _obj=None) -> bool:
    return has_role(user, Role.SECRETARIAT)


def can_view_history(user, _comment=None) -> bool:
    return has_role(user, Role.MEMBER)


def mentionable_clause() -> ColumnElement[bool]:
    """Who an @mention can name and notify: active accounts above readers."""
    return and_(User.active.is_(True), User.role.in_([Role.MEMBER, Role.SECRETARIAT, Role.ADMIN]))
