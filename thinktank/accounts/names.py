"""How a person's name reads on a page. A deleted person's contributions keep the anonymous
label stored in Danish ("Tidligere medlem" / "Slettet bruger", in the account and in frozen
records); pages show it in the reader's language. Templates use the ``person`` filter for
every name they show (a :class:`User` or a name kept in a frozen snapshot)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from thinktank.accounts.models import User
from thinktank.accounts.roles import Role

FORMER_MEMBER = _l("Former member")
DELETED_USER = _l("Deleted user")
#: The language the label is stored in.
STORED_LOCALE = "da"
_stored: dict[str, object] = {}


def _label(role: Role):
    return DELETED_USER if role == Role.READER else FORMER_MEMBER


def anonymous_label(role: Role, locale: str = STORED_LOCALE) -> str:
    """The name a deleted person's contributions are shown under (stored in Danish)."""
    with force_locale(locale):
        return str(_label(role))


def _stored_labels() -> dict[str, object]:
    if not _stored:
        _stored[anonymous_label(Role.READER)] = DELETED_USER
        _stored[anonymous_label(Role.MEMBER)] = FORMER_MEMBER
    return _stored


def shown_name(value) -> str:
    """A person's name for the page: a deleted account's label in the reader's language."""
    if value is None:
        return ""
    if isinstance(value, User):
        if value.deleted_at is not None:
            return str(_label(value.role))
        return value.display_name
    text = str(value)
    label = _stored_labels().get(text)
    return str(label) if label is not None else text
