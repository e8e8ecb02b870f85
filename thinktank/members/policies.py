"""Who takes part in the think tank, and who may declare interests (in the one permission table)."""

from __future__ import annotations

from thinktank.accounts.models import User
from thinktank.accounts.roles import Role

#: The roles listed in the member register: the people who propose positions, vote and
#: declare interests. Admins operate the system and take no part, so a vote always comes
#: from someone the public can look up in the register.
PARTICIPANT_ROLES = (Role.MEMBER, Role.SECRETARIAT)


def is_participant(user) -> bool:
    """Logged in, active, and a member or in the secretariat."""
    return bool(user.is_authenticated and user.active and user.role in PARTICIPANT_ROLES)


def listed_in_register(user) -> bool:
    """Whether the member register lists this account (active members and secretariat)."""
    return is_participant(user)


def participants_clause():
    """The SQL form of :data:`PARTICIPANT_ROLES`, for the register and the tally."""
    return User.role.in_(PARTICIPANT_ROLES)


def can_declare_interests(user, _obj=None) -> bool:
    return is_participant(user)


def can_link_to(_user, member) -> bool:
    """A name links to its member page while its owner takes part (readers and admins have none)."""
    return is_participant(member)
