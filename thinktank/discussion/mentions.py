"""@mentions: find the members a text names.

The documented form is the name as shown, in brackets: ``@[Sofie Lund]``. The older
handles still work when they name exactly one member: the name without spaces
(``@SofieLund``, ``@sofie.lund``, ``@sofie-lund``) or the member's e-mail prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.discussion.policies import mentionable_clause
from thinktank.extensions import db
from thinktank.markup import mention_as_written, mention_tokens, render_markdown

MAX_MENTIONS = 20


def _key(text: str) -> str:
    """'Anders Holm', 'Anders_Holm', 'anders.holm', 'AndersHolm' all become 'andersholm'."""
    return re.sub(r"[\s._-]+", "", text).casefold()


def member_path(user_id: int) -> str:
    return f"/members/{user_id}"


def _matches(tokens: list[str]) -> dict[str, list[User]]:
    """Every member each token could mean (one query).

    The names are compared here, not in SQL: SQLite's lower() leaves "Ø" and "Å" as they
    are. The register of members is small enough to read whole.
    """
    if not tokens:
        return {}
    members = db.session.scalars(select(User).where(mentionable_clause()).order_by(User.id)).all()
    return {
        token: [
            user
            for user in members
            if user.email.split("@")[0].casefold() == token.casefold()
            or _key(user.display_name) == _key(token)
        ]
        for token in tokens
    }


def resolve(text: str) -> dict[str, User]:
    """The members mentioned in ``text``, by the token used: only tokens naming exactly one."""
    matches = _matches(mention_tokens(text)[:MAX_MENTIONS])
    return {token: users[0] for token, users in matches.items() if len(users) == 1}


def resolver(found: dict[str, User]):
    """The function ``render_markdown`` calls for each @token."""

    def resolve_token(token: str):
        user = found.get(token)
        return (user.display_name, member_path(user.id)) if user else None

    return resolve_token


@dataclass
class Preview:
    """A text rendered as it will be posted, with the mentions that will not become links."""

    html: Markup
    unknown: list[str] = field(default_factory=list)  # as written: "@jens", "@[Sofie Lun]"
    ambiguous: list[str] = field(default_factory=list)


def preview(text: str) -> Preview:
    """Render ``text`` as posting would, and tell which mentions match nobody or several."""
    matches = _matches(mention_tokens(text)[:MAX_MENTIONS])
    looked_up: list[str] = []  # only mentions outside code, as the renderer meets them

    def resolve_token(token: str):
        looked_up.append(token)
        users = matches.get(token, [])
        return (users[0].display_name, member_path(users[0].id)) if len(users) == 1 else None

    html = render_markdown(text, mentions=resolve_token)
    tokens = [token for token in dict.fromkeys(looked_up) if token in matches]
    return Preview(
        html,
        unknown=[mention_as_written(token) for token in tokens if not matches[token]],
        ambiguous=[mention_as_written(token) for token in tokens if len(matches[token]) > 1],
    )
