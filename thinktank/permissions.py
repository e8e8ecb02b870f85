"""The one table of who may do what: ``can(user, action, obj)`` and its view decorator.

Every route and every service checks through here, so a rule changes in one place.
Domains register their actions with :func:`rule`; roles are ranked
reader < member < secretariat < admin.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_login import current_user

from thinktank.accounts.roles import Role
from thinktank.errors import LoginRequired, NotAllowed

Policy = Callable[[Any, Any], bool]
_POLICIES: dict[str, Policy] = {}


def rule(action: str) -> Callable[[Policy], Policy]:
    """Register the policy function for ``action`` (exactly one per action)."""

    def register(policy: Policy) -> Policy:
        if action in _POLICIES:
            raise ValueError(f"policy for {action!r} registered twice")
        _POLICIES[action] = policy
        return policy

    return register


def has_role(user, role: Role) -> bool:
    """Logged in, active, and at least ``role``."""
    return bool(user.is_authenticated and user.active and user.role.rank >= role.rank)


def can(user, action: str, obj: Any = None) -> bool:
    """True when ``user`` (possibly anonymous) may perform ``action`` on ``obj``."""
    try:
        policy = _POLICIES[action]
    except KeyError:
        raise LookupError(f"no policy for action {action!r}") from None
    return bool(policy(user, obj))


def require(action: str, obj: Any = None, user=None) -> None:
    """Raise unless allowed: :class:`LoginRequired` for anonymous users, else :class:`NotAllowed`."""
    user = current_user if user is None else user
    if can(user, action, obj):
        return
    if not user.is_authenticated:
        raise LoginRequired()
    raise NotAllowed()


def permission_required(action: str) -> Callable:
    """View decorator for actions that need no object."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            require(action)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _role_rule(action: str, role: Role) -> None:
    rule(action)(lambda user, _obj=None: has_role(user, role))


_role_rule("edit_profile", Role.READER)
_role_rule("invite", Role.SECRETARIAT)
_role_rule("manage_users", Role.ADMIN)
_role_rule("view_audit_log", Role.ADMIN)


@rule("invite_as")
def _invite_as(user, role: Role) -> bool:
    """The secretariat invites members; only an administrator invites secretariat staff."""
    return has_role(user, Role.ADMIN if role == Role.SECRETARIAT else Role.SECRETARIAT)
