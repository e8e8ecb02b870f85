"""The person's rights as actions: export their data, delete (anonymise) their account."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from thinktank.audit.service import record
from thinktank.errors import NotAllowed, ValidationFailed
from thinktank.permissions import can, require
from thinktank.privacy import erasure, export

AUDIT_ACTIONS = {
    "account_exported": _l("An administrator downloaded an account's data"),
    "account_deleted": _l("An account was deleted and its contributions anonymised"),
}


def export_own_data(user) -> bytes:
    """The ZIP of everything held about ``user``, for ``user``."""
    require("edit_profile", user=user)
    return export.build_zip(user)


def export_account_data(actor, user) -> bytes:
    """An administrator's copy of an account's data (recorded in the audit log)."""
    require("export_account_data", user=actor)
    record("account_exported", actor=actor, subject=user)
    return export.build_zip(user)


def delete_own_account(user, password: str) -> None:
    """The person deletes their own account, confirming with their password."""
    require("edit_profile", user=user)
    if not check_password_hash(user.password_hash, password or ""):
        raise ValidationFailed(_("The password is not correct."), field="password")
    _delete(user, user, reason=_l("Deleted by the account holder"))


def delete_account(actor, user, reason: str) -> None:
    """An administrator deletes someone's account on request, giving the reason."""
    if not can(actor, "delete_account", user):
        raise NotAllowed(_("You cannot delete this account."))
    if user.deleted_at is not None:
        raise ValidationFailed(_("This account has already been deleted."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for deleting the account."), field="reason")
    _delete(actor, user, reason=reason)


def _delete(actor, user, reason) -> None:
    work = erasure.Erasure(
        user=user,
        actor=actor,
        name=user.display_name,
        email=user.email,
        organisation=user.organisation,
        label=erasure.anonymous_label(user),
    )
    for eraser in erasure.erasers():
        eraser(work)
    erasure.erase_account(work)
    record(
        "account_deleted",
        actor=actor,
        subject=user,
        reason=reason,
        by_admin=actor.id != user.id,
        frozen_vote_results=work.changed.get("frozen_vote_results", 0),
        published_versions=work.changed.get("published_versions", 0),
        drafts_transferred=work.changed.get("drafts_transferred", 0),
    )
