"""Recording and describing audit events."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from thinktank.audit.models import AuditEvent
from thinktank.extensions import db
from thinktank.registry import put

#: How each action reads in a log; placeholders are filled from the event's data.
_DESCRIPTIONS: dict[str, Any] = {
    "user_registered": _l("A reader registered"),
    "member_invited": _l("Someone was invited to join as %(role)s"),
    "invitation_accepted": _l("%(name)s joined the think tank as %(role)s"),
    "invitation_revoked": _l("An invitation was revoked"),
    "role_changed": _l("%(name)s's role changed from %(old)s to %(new)s"),
    "user_deactivated": _l("%(name)s's account was deactivated"),
    "user_reactivated": _l("%(name)s's account was reactivated"),
    "password_reset": _l("A password was reset"),
}


#: Facts an action's log entry shows under its description (e.g. why a reason was needed).
_DETAILS: dict[str, Callable[[dict], list[str]]] = {}


def describe_action(action: str, description) -> None:
    """Say how a domain's action reads in the logs (once per action)."""
    put(_DESCRIPTIONS, action, description, "audit description")


def describe_details(action: str, details: Callable[[dict], list[str]]) -> None:
    """Say which facts a domain's log entries show, from their data (once per action)."""
    put(_DETAILS, action, details, "audit details")


def described_actions() -> frozenset[str]:
    """The actions the logs can describe."""
    return frozenset(_DESCRIPTIONS)


def details(event: AuditEvent) -> list[str]:
    """The facts shown under an event in the logs (the reason given is shown apart)."""
    found = _DETAILS.get(event.action)
    return found(dict(event.data or {})) if found else []


def record(
    action: str,
    *,
    actor=None,
    public: bool = False,
    subject: Any = None,
    **data: Any,
) -> AuditEvent:
    """Add an audit event to the session; it is committed with the change it records."""
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        public=public,
        subject_type=type(subject).__name__.lower() if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        data={key: _plain(value) for key, value in data.items()},
    )
    db.session.add(event)
    return event


def _plain(value: Any) -> Any:
    """Store enum members by value and lazy strings as text, so the JSON stays plain."""
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def describe(event: AuditEvent) -> str:
    from thinktank.accounts.roles import Role

    template = _DESCRIPTIONS.get(event.action)
    if template is None:
        return event.action
    data = dict(event.data or {})
    for key in ("role", "old", "new"):
        if data.get(key) in Role._value2member_map_:
            data[key] = Role(data[key]).label.lower()
    try:
        return str(template) % data
    except (KeyError, TypeError, ValueError):
        return str(template)


def events_query(*, public_only: bool) -> Select:
    query = select(AuditEvent).options(joinedload(AuditEvent.actor))
    if public_only:
        query = query.where(AuditEvent.public.is_(True))
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
