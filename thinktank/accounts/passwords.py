"""The password policy: long enough, not common, not guessable from the account itself."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 200

_PADDING = re.compile(r"^[\d\W_]+|[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    text = files("thinktank").joinpath("data/common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """The reason ``password`` is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return str(_l("The password must be at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("The password can be at most %(n)d characters.", n=MAX_LENGTH))
    folded = password.casefold()
    base = _PADDING.sub("", folded)
    common = common_passwords()
    if folded in common or base in common or len(set(folded)) < 4:
        return str(_l("This password is too common or too easy to guess. Choose another."))
    personal = {email.casefold().split("@")[0], email.casefold(), name.casefold().replace(" ", "")}
    if folded in personal or base in personal - {""}:
        return str(_l("The password must not be your e-mail address or your name."))
    return None
