"""Who may propose and manage positions and who may vote (in the one permission table).

These rules say who; the services add when (positions change only before voting starts,
ballots only while it runs) and refuse with a message that says so.
"""

from __future__ import annotations

from thinktank.accounts.roles import Role
from thinktank.cases.policies import can_view
from thinktank.members.policies import is_participant
from thinktank.permissions import has_role


def can_propose(user, case) -> bool:
    return is_participant(user) and can_view(user, case)


def can_manage(user, case) -> bool:
    return has_role(user, Role.SECRETARIAT) and can_view(user, case)


def can_vote(user, case=None) -> bool:
    """On ``case``; without one: whether ``user`` votes at all (e.g. to list votes waiting)."""
    return is_participant(user) and (case is None or can_view(user, case))
