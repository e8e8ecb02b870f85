"""Account rules: registration, login, invitations, password reset, profile, roles."""

from __future__ import annotations

import hashlib

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from thinktank.accounts.models import Invitation, User, new_session_token
from thinktank.accounts.passwords import password_problem
from thinktank.accounts.roles import INVITABLE_ROLES, Role, Sector
from thinktank.audit.service import record
from thinktank.errors import DomainError, NotAllowed, ValidationFailed
from thinktank.extensions import db
from thinktank.mail import send_mail
from thinktank.models import utcnow
from thinktank.permissions import can, require
from thinktank.registry import append_once

_INVITATION_SALT = "thinktank-invitation"
_RESET_SALT = "thinktank-password-reset"


class TokenProblem(DomainError):
    """A link from an e-mail that cannot be used (invalid, expired or already used)."""

    status = 400


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _check_new_password(password: str, *, email: str, name: str, field: str = "password") -> None:
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise ValidationFailed(problem, field=field)


def _ensure_email_free(email: str) -> None:
    if find_user_by_email(email) is not None:
        raise ValidationFailed(
            _("An account with this e-mail address already exists."), field="email"
        )


def create_user(
    *,
    email: str,
    display_name: str,
    password: str,
    role: Role = Role.READER,
    organisation: str = "",
    sector: Sector | None = None,
    check_password: bool = True,
    verified: bool = False,
) -> User:
    """Create an account (no commit). ``check_password=False`` only for demo data and tests;
    ``verified``: the address counts as confirmed (the operator's own administrator, the
    demo accounts)."""
    email = normalise_email(email)
    _ensure_email_free(email)
    if check_password:
        _check_new_password(password, email=email, name=display_name)
    user = User(
        email=email,
        display_name=display_name.strip(),
        organisation=organisation.strip(),
        sector=sector,
        role=role,
        password_hash=hash_password(password),
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


_dummy_hash: str | None = None


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same work whether or not the e-mail exists)."""
    global _dummy_hash
    user = find_user_by_email(email)
    if user is None:
        if _dummy_hash is None:
            _dummy_hash = hash_password("not a real password, only for timing")
        check_password_hash(_dummy_hash, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def login_attempt_key(email: str) -> str:
    """What failed logins for ``email`` are counted against: the address and the account's
    current password, so choosing a new password (a reset) starts the count afresh."""
    email = normalise_email(email)[:254]
    user = find_user_by_email(email)
    generation = hashlib.sha256(user.password_hash.encode()).hexdigest()[:16] if user else ""
    return f"{email}:{generation}"


def end_all_sessions(user: User) -> None:
    """Sign ``user`` out everywhere: every session and remember-me cookie stops working."""
    user.session_token = new_session_token()


# --- invitations -------------------------------------------------------------------------


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def invitation_link(invitation: Invitation) -> str:
    token = _serializer(_INVITATION_SALT).dumps(invitation.id)
    return url_for("accounts.accept_invitation", token=token, _external=True)


def invitable_roles(actor: User) -> list[Role]:
    """The roles ``actor`` may invite someone as (secretariat staff only by an administrator)."""
    return [role for role in INVITABLE_ROLES if can(actor, "invite_as", role)]


def invite(actor: User, email: str, role: Role | str) -> Invitation:
    """Invite ``email`` as ``role``; a pending invitation to the same address is replaced."""
    require("invite", user=actor)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed(_("Choose a role from the list."), field="role") from None
    if role not in INVITABLE_ROLES:
        raise ValidationFailed(_("Choose a role from the list."), field="role")
    require("invite_as", role, user=actor)
    email = normalise_email(email)
    _ensure_email_free(email)
    now = utcnow()
    for pending in db.session.scalars(
        select(Invitation).where(
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        pending.revoked_at = now
    invitation = Invitation(
        email=email,
        role=role,
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + current_app.config["INVITATION_MAX_AGE"],
    )
    db.session.add(invitation)
    db.session.flush()
    record("member_invited", actor=actor, public=True, subject=invitation, role=role)
    # sent last, inside the caller's transaction: a mail that fails undoes the invitation
    _send_invitation(invitation, actor)
    return invitation


def _send_invitation(invitation: Invitation, actor: User) -> None:
    days = current_app.config["INVITATION_MAX_AGE"].days
    body = _(
        "%(name)s has invited you to join KL's think tank on data and AI in the "
        "municipalities as %(role)s.\n\n"
        "Open this link to create your account (it works once and expires in %(lifetime)s):\n"
        "%(link)s\n\nIf you did not expect this invitation, you can ignore this e-mail.",
        name=actor.display_name,
        role=invitation.role.label.lower(),
        lifetime=ngettext("%(num)d day", "%(num)d days", days),
        link=invitation_link(invitation),
    )
    send_mail(invitation.email, _("Invitation to KL's think tank"), body, kind="invitation")


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a link names, or :class:`TokenProblem` saying why not."""
    max_age = int(current_app.config["INVITATION_MAX_AGE"].total_seconds())
    try:
        invitation_id = _serializer(_INVITATION_SALT).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenProblem(
            _("This invitation has expired. Ask the secretariat for a new one.")
        ) from None
    except BadSignature:
        raise TokenProblem(_("This invitation link is not valid.")) from None
    invitation = (
        db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    )
    if invitation is None:
        raise TokenProblem(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise TokenProblem(_("This invitation has already been used. Log in instead."))
    if invitation.revoked_at is not None:
        raise TokenProblem(_("This invitation has been withdrawn or replaced by a newer one."))
    if invitation.expires_at <= utcnow():
        raise TokenProblem(_("This invitation has expired. Ask the secretariat for a new one."))
    return invitation


#: What else happens when an invitation is accepted (e.g. the inviter is told), wired in
#: ``thinktank.wiring``: functions of (invitation, the new user).
_after_accepting: list = []


def after_accepting(effect) -> None:
    append_once(_after_accepting, effect)


def accept_invitation(
    token: str, *, display_name: str, organisation: str, sector: Sector, password: str
) -> User:
    """Create the invitee's account with the invited role; the link then stops working."""
    invitation = invitation_from_token(token)
    user = create_user(
        email=invitation.email,
        display_name=display_name,
        password=password,
        role=invitation.role,
        organisation=organisation,
        sector=sector,
    )
    invitation.accepted_at = utcnow()
    invitation.accepted_user_id = user.id
    # the invitation link was mailed to this address, so opening it proves the address
    user.email_verified_at = invitation.accepted_at
    record(
        "invitation_accepted",
        actor=user,
        public=True,
        subject=user,
        name=user.display_name,
        role=user.role,
    )
    for effect in _after_accepting:
        effect(invitation, user)
    return user


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    require("invite", user=actor)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationFailed(_("Only a pending invitation can be withdrawn."))
    invitation.revoked_at = utcnow()
    record("invitation_revoked", actor=actor, subject=invitation, email=invitation.email)


def list_invitations():
    return (
        select(Invitation)
        .options(joinedload(Invitation.invited_by))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )


# --- password reset ----------------------------------------------------------------------


def _password_fingerprint(user: User) -> str:
    # The token is bound to the current hash, so it stops working once the password changes.
    return user.password_hash[-16:]


def request_password_reset(email: str) -> None:
    """E-mail a reset link if an active account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    token = _serializer(_RESET_SALT).dumps({"u": user.id, "f": _password_fingerprint(user)})
    link = url_for("accounts.reset_password", token=token, _external=True)
    hours = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 3600)
    body = _(
        "Someone (hopefully you) asked to reset the password for your account at KL's think tank.\n\n"
        "Open this link to choose a new password (it works once and expires in %(lifetime)s):\n"
        "%(link)s\n\nIf you did not ask for this, you can ignore this e-mail.",
        lifetime=ngettext("%(num)d hour", "%(num)d hours", hours),
        link=link,
    )
    send_mail(user.email, _("Reset your password"), body, kind="password_reset")


def user_from_reset_token(token: str) -> User:
    max_age = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds())
    problem = _(
        "This reset link is not valid, has expired or has already been used. Ask for a new one."
    )
    try:
        payload = _serializer(_RESET_SALT).loads(token, max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        raise TokenProblem(problem) from None
    user = db.session.get(User, payload.get("u")) if isinstance(payload, dict) else None
    if user is None or not user.active or payload.get("f") != _password_fingerprint(user):
        raise TokenProblem(problem)
    return user


def reset_password(token: str, password: str) -> User:
    user = user_from_reset_token(token)
    _set_password(user, password)
    # the reset link was mailed to the account's address, so using it proves the address
    user.email_verified_at = user.email_verified_at or utcnow()
    record("password_reset", actor=user, subject=user)
    return user


def _set_password(user: User, password: str, field: str = "password") -> None:
    _check_new_password(password, email=user.email, name=user.display_name, field=field)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()  # signs out every other session


# --- profile and administration ----------------------------------------------------------


def update_profile(
    user: User, *, display_name: str, organisation: str, sector: Sector | None
) -> None:
    user.display_name = display_name.strip()
    user.organisation = organisation.strip()
    user.sector = sector


def change_password(user: User, *, old_password: str, new_password: str) -> None:
    if not check_password_hash(user.password_hash, old_password):
        raise ValidationFailed(_("The current password is not correct."), field="old_password")
    _set_password(user, new_password, field="new_password")


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def change_role(actor: User, user: User, role: Role | str) -> None:
    require("manage_users", user=actor)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed(_("Choose a role from the list."), field="role") from None
    if not can(actor, "manage_account", user):
        raise NotAllowed(_("You cannot change your own role."))
    if role == user.role:
        return
    old = user.role
    user.role = role
    record("role_changed", actor=actor, subject=user, name=user.display_name, old=old, new=role)


def set_active(actor: User, user: User, active: bool) -> None:
    require("manage_users", user=actor)
    if not can(actor, "manage_account", user):
        raise NotAllowed(_("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    record(
        "user_reactivated" if active else "user_deactivated",
        actor=actor,
        subject=user,
        name=user.display_name,
    )


def list_users(role: Role | None = None, query: str = ""):
    statement = select(User).order_by(User.display_name, User.id)
    if role is not None:
        statement = statement.where(User.role == role)
    if query:
        pattern = f"%{query.strip().lower()}%"
        statement = statement.where(User.email.like(pattern) | User.display_name.ilike(pattern))
    return statement


def purge_expired_invitations() -> int:
    """Delete invitations that can no longer be used (expired or withdrawn, never accepted);
    returns how many. Registration, reset and e-mail-change links are signed and expire by
    themselves: no row holds them, and an account exists only once its address confirmed."""
    from sqlalchemy import delete

    result = db.session.execute(
        delete(Invitation).where(
            Invitation.accepted_at.is_(None),
            (Invitation.expires_at <= utcnow()) | Invitation.revoked_at.is_not(None),
        )
    )
    return result.rowcount or 0
