"""Changing the e-mail address: confirmed by a signed link sent to the new address, with a
notice to the old one; the address changes only when the link is used."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash

from thinktank.accounts.models import User
from thinktank.accounts.service import TokenProblem, _ensure_email_free, normalise_email
from thinktank.audit.service import record
from thinktank.errors import ValidationFailed
from thinktank.extensions import db
from thinktank.mail import send_mail
from thinktank.models import utcnow

_SALT = "thinktank-email-change"

AUDIT_ACTIONS = {
    "email_change_requested": _l("A change of e-mail address was asked for"),
    "email_changed": _l("An e-mail address was changed"),
}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Mail a confirmation link to ``new_email`` and a notice to the current address."""
    if not check_password_hash(user.password_hash, password or ""):
        raise ValidationFailed(_("The password is not correct."), field="email_password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise ValidationFailed(_("That is already your e-mail address."), field="new_email")
    try:
        _ensure_email_free(new_email)
    except ValidationFailed as error:
        raise ValidationFailed(error.message, field="new_email") from None
    # bound to the current address: once it has changed, the link stops working
    token = _serializer().dumps({"u": user.id, "e": new_email, "o": user.email})
    link = url_for("accounts.confirm_email_change", token=token, _external=True)
    send_mail(
        new_email,
        _("Confirm your new e-mail address"),
        _(
            "Open this link to use this address for your account at KL's think tank "
            "(it expires in 2 days):\n%(link)s\n\nIf you did not ask for this, ignore this e-mail.",
            link=link,
        ),
        kind="email_change",
    )
    send_mail(
        user.email,
        _("Your e-mail address is being changed"),
        _(
            "Someone logged in to your account at KL's think tank asked to change its e-mail "
            "address to %(email)s. It changes when the link sent there is opened. If it was not "
            "you, change your password and tell the secretariat.",
            email=new_email,
        ),
        kind="email_change",
    )
    record("email_change_requested", actor=user, subject=user)


def check_token(token: str) -> tuple[User, str]:
    """The account and new address a confirmation link names, or :class:`TokenProblem`."""
    problem = _("This link is not valid, has expired or has already been used.")
    max_age = int(current_app.config["REGISTRATION_MAX_AGE"].total_seconds())
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except BadSignature:
        raise TokenProblem(problem) from None
    user = db.session.get(User, payload.get("u")) if isinstance(payload, dict) else None
    if user is None or not user.active or user.email != payload.get("o"):
        raise TokenProblem(problem)
    return user, payload["e"]


def confirm_email_change(token: str) -> User:
    user, new_email = check_token(token)
    try:
        _ensure_email_free(new_email)
    except ValidationFailed as error:
        raise TokenProblem(error.message) from None
    user.email = new_email
    user.email_verified_at = utcnow()
    record("email_changed", actor=user, subject=user)
    return user
