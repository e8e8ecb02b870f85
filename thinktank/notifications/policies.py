"""Who may read and open notifications (in the one permission table)."""

from __future__ import annotations

from thinktank.permissions import can


def can_read(user, _obj=None) -> bool:
    return bool(user.is_authenticated and user.active)


def can_open(user, notification) -> bool:
    """Each notification is for the one person it was made for."""
    return can_read(user) and notification.user_id == user.id


def can_follow_if(view_action: str):
    """Following a case or recommendation: anyone logged in who may see it, once their
    e-mail address is confirmed (stopping needs no confirmed address)."""

    def can_follow(user, obj) -> bool:
        return can(user, "use_verified_email") and can(user, view_action, obj)

    return can_follow
