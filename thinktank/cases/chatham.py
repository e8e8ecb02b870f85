"""The Chatham House rule: who a contribution is by, as the reader may see it.

Every page, feed, API answer, export, e-mail and search result that shows the author of a
contribution to a case (comments, votes and their reasons, positions, minority opinions,
co-signatures, citations, the case's own author) asks :func:`contributor` for the name. In a
Chatham House case, anyone outside the think tank (the ``see_contributors`` policy) sees
only the author's sector, "A member (municipal sector)": no name, organisation, link or
declared interest. Frozen snapshots keep the names; they are hidden when shown.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import escape

from thinktank.accounts.names import shown_name
from thinktank.accounts.roles import Sector
from thinktank.markup import MENTION_PATTERN
from thinktank.permissions import can

SECTOR_LABELS = {
    Sector.MUNICIPALITY: _l("A member (municipal sector)"),
    Sector.REGION: _l("A member (regional sector)"),
    Sector.STATE: _l("A member (state sector)"),
    Sector.PRIVATE: _l("A member (private sector)"),
    Sector.RESEARCH: _l("A member (research)"),
    Sector.CIVIL_SOCIETY: _l("A member (civil society)"),
}
NO_SECTOR = _l("A member")
MENTIONED = _l("A member")


def hides_contributors(case, viewer=None) -> bool:
    """Whether ``viewer`` (the current user by default) sees contributions to ``case``
    without their authors' names."""
    if case is None or not getattr(case, "chatham_house", False):
        return False
    return not can(current_user if viewer is None else viewer, "see_contributors", case)


def _sector(person: Any) -> Sector | None:
    value = person.get("sector") if isinstance(person, dict) else getattr(person, "sector", None)
    if isinstance(value, Sector):
        return value
    return Sector(value) if value in Sector._value2member_map_ else None


def sector_label(person: Any) -> str:
    """'A member (municipal sector)': a person as a Chatham House case shows them."""
    return str(SECTOR_LABELS.get(_sector(person), NO_SECTOR))


def _name(person: Any) -> Any:
    if isinstance(person, dict):
        return person.get("name") or person.get("author")
    return getattr(person, "name", person)


def contributor(person: Any, case, viewer=None, hidden: bool | None = None) -> str:
    """The name shown for the author of a contribution to ``case``: a :class:`User`, a
    voter or signer kept in a snapshot (``name`` and ``sector``), or a plain name.
    ``hidden`` skips the permission check when the caller already made it."""
    if hides_contributors(case, viewer) if hidden is None else hidden:
        return sector_label(person)
    from thinktank.accounts.models import User

    return shown_name(person if isinstance(person, User) else _name(person))


#: A mention as the renderer writes it: a link to a member page holding the name.
_MENTION_LINK = re.compile(r'<a href="/members/\d+"[^>]*>@?[^<]*</a>')
_MENTION_SOURCE = re.compile(MENTION_PATTERN)


def without_mentions(text: str, hidden: bool = True) -> str:
    """A comment's stored HTML, or its Markdown source, with each @mention replaced by
    "@a member", for readers who must not see who took part (``hidden``)."""
    if not hidden or not text or "@" not in text:
        return text
    label = f"@{str(MENTIONED).lower()}"
    if "/members/" in text:
        return _MENTION_LINK.sub(lambda _m: str(escape(label)), text)
    return _MENTION_SOURCE.sub(label, text)
