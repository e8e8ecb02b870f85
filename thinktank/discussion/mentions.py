"""@mentions: find the members a text names, by e-mail prefix or by name."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select

from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.extensions import db
from thinktank.markup import MENTION_PATTERN

_TOKEN = re.compile(MENTION_PATTERN)
MAX_MENTIONS = 20


def _key(text: str) -> str:
    """'Anders_Holm', 'anders.holm', 'AndersHolm' all become 'andersholm'."""
    return re.sub(r"[\s._-]+", "", text).casefold()


def _name_key_sql():
    """:func:`_key` of the display name, in SQL."""
    name = User.display_name
    for character in (" ", ".", "_", "-"):
        name = func.replace(name, character, "")
    return func.lower(name)


def member_path(user_id: int) -> str:
    return f"/members/{user_id}"


def resolve(text: str) -> dict[str, User]:
    """The members mentioned in ``text``, by the token used (one query)."""
    tokens = list(dict.fromkeys(_TOKEN.findall(text or "")))[:MAX_MENTIONS]
    if not tokens:
        return {}
    candidates = db.session.scalars(
        select(User).where(
            User.active.is_(True),
            User.role.in_([Role.MEMBER, Role.SECRETARIAT, Role.ADMIN]),
            or_(
                *[func.lower(User.email).like(f"{token.lower()}@%") for token in tokens],
                *[_name_key_sql() == _key(token) for token in tokens],
            ),
        )
    ).all()
    found: dict[str, User] = {}
    for token in tokens:
        for user in candidates:
            if user.email.split("@")[0] == token.lower() or _key(user.display_name) == _key(token):
                found[token] = user
                break
    return found


def resolver(found: dict[str, User]):
    """The function ``render_markdown`` calls for each @token."""

    def resolve_token(token: str):
        user = found.get(token)
        return (user.display_name, member_path(user.id)) if user else None

    return resolve_token
