"""Who may read notifications (in the one permission table)."""

from __future__ import annotations


def can_read(user, _obj=None) -> bool:
    return bool(user.is_authenticated and user.active)
