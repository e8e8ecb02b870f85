"""Self-registration by e-mail: the account is made when its address's owner opens the link.

Whether an address already has an account is never shown: both get the same page, and the
mail tells the owner of an existing account how to log in or reset the password instead.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from thinktank.accounts.models import User
from thinktank.accounts.roles import Role, Sector
from thinktank.accounts.service import (
    TokenProblem,
    _check_new_password,
    find_user_by_email,
    hash_password,
    normalise_email,
)
from thinktank.audit.service import record
from thinktank.extensions import db
from thinktank.mail import send_mail
from thinktank.models import utcnow

_SALT = "thinktank-registration"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def start_registration(
    *, email: str, display_name: str, password: str, organisation: str, sector: Sector | None
) -> None:
    """Check the input, then e-mail the address: a link that creates the account, or, when
    the address has an account, how to log in. Same checks and work either way."""
    email = normalise_email(email)
    _check_new_password(password, email=email, name=display_name)
    password_hash = hash_password(password)  # also for an existing account: same timing
    existing = find_user_by_email(email)
    if existing is not None:
        _mail_account_exists(existing)
        return
    token = _serializer().dumps(
        {
            "e": email,
            "n": display_name.strip(),
            "o": organisation.strip(),
            "s": sector.value if sector else None,
            "h": password_hash,
        }
    )
    days = current_app.config["REGISTRATION_MAX_AGE"].days
    body = _(
        "Someone (hopefully you) registered at KL's think tank with this e-mail address.\n\n"
        "Open this link to create your account as a reader (it expires in %(lifetime)s):\n"
        "%(link)s\n\nIf it was not you, you can ignore this e-mail: no account is created.",
        lifetime=ngettext("%(num)d day", "%(num)d days", days),
        link=url_for("accounts.confirm_registration", token=token, _external=True),
    )
    send_mail(email, _("Confirm your registration"), body, kind="registration")


def _mail_account_exists(user: User) -> None:
    body = _(
        "Someone (hopefully you) tried to register at KL's think tank with this e-mail "
        "address, but it already has an account.\n\n"
        "Log in here: %(login)s\n"
        "Forgotten your password? Choose a new one here: %(reset)s\n\n"
        "If it was not you, you can ignore this e-mail: nothing has changed.",
        login=url_for("accounts.login", _external=True),
        reset=url_for("accounts.request_reset", _external=True),
    )
    send_mail(user.email, _("You already have an account"), body, kind="registration")


def _problem() -> TokenProblem:
    return TokenProblem(
        _(
            "This registration link is not valid, has expired or has already been used. "
            "Register again, or log in if you already have an account."
        )
    )


def _payload(token: str) -> dict:
    max_age = int(current_app.config["REGISTRATION_MAX_AGE"].total_seconds())
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        raise _problem() from None
    if not isinstance(payload, dict) or find_user_by_email(payload.get("e", "")) is not None:
        raise _problem()
    return payload


def check_registration_token(token: str) -> str:
    """The address a registration link would create an account for (or TokenProblem)."""
    return _payload(token)["e"]


def confirm_registration(token: str) -> User:
    """Create the reader account the link describes; opening the mailed link proves the address."""
    payload = _payload(token)
    now = utcnow()
    user = User(
        email=payload["e"],
        display_name=payload["n"],
        organisation=payload["o"],
        sector=Sector(payload["s"]) if payload.get("s") else None,
        role=Role.READER,
        password_hash=payload["h"],
        email_verified_at=now,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same link used twice at once (the caller's transaction rolls back)
        raise _problem() from None
    record("user_registered", actor=user, subject=user)
    return user
