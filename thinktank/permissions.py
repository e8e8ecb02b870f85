"""The one table of who may do what: ``can(user, action, obj)`` and its view decorator.

Every route and every service checks through here, so a rule changes in one place.
Each domain defines its policy functions; ``thinktank.wiring`` names the action each one
decides, in one table, when the app is built. Roles are ranked reader < member <
secretariat < admin.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_login import current_user

from thinktank.accounts.roles import Role
from thinktank.errors import LoginRequired, NotAllowed
from thinktank.registry import put

Policy = Callable[[Any, Any], bool]
_POLICIES: dict[str, Policy] = {}


def register(action: str, policy: Policy) -> None:
    """Make ``policy`` decide ``action`` (exactly one policy per action)."""
    put(_POLICIES, action, policy, "policy")


def actions() -> frozenset[str]:
    """The actions that have a policy."""
    return frozenset(_POLICIES)


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


def at_least(role: Role) -> Policy:
    """The policy of an action that needs nothing but ``role``."""
    return lambda user, _obj=None: has_role(user, role)


def can_invite_as(user, role: Role) -> bool:
    """The secretariat invites members; only an administrator invites secretariat staff."""
    return has_role(user, Role.ADMIN if role == Role.SECRETARIAT else Role.SECRETARIAT)


def can_manage_account(user, account) -> bool:
    """An administrator changes other people's role and status, never their own."""
    return has_role(user, Role.ADMIN) and account.id != user.id


def has_verified_email(user, _obj=None) -> bool:
    """Logged in, active, and has shown they receive mail at the account's address (by a
    registration, invitation, reset or e-mail-change link): what following a case and
    getting e-mail need."""
    return bool(user.is_authenticated and user.active and getattr(user, "email_verified_at", None))
