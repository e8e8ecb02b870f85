"""Administration: accounts and roles, the full audit log, and the e-mails that could not be
delivered."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from thinktank import mail as outgoing
from thinktank.accounts import service as accounts
from thinktank.accounts.forms import RoleForm
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role
from thinktank.audit.service import describe, events_query
from thinktank.errors import DomainError
from thinktank.extensions import db
from thinktank.inputs import without_control_characters
from thinktank.pagination import paginate
from thinktank.permissions import permission_required
from thinktank.transaction import transaction

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users/")
@permission_required("manage_users")
def users():
    role = request.args.get("role", "")
    query = without_control_characters(request.args.get("q", ""))[:200]
    statement = accounts.list_users(Role(role) if role in Role._value2member_map_ else None, query)
    return render_template(
        "admin/users.html", page=paginate(statement), role=role, query=query, roles=list(Role)
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("manage_users")
def user(user_id: int):
    account = db.get_or_404(User, user_id)
    form = RoleForm(obj=account)
    if form.validate_on_submit():
        try:
            with transaction():
                accounts.change_role(current_user, account, form.role.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("The role has been changed."), "success")
            return redirect(url_for("admin.user", user_id=account.id))
    return render_template("admin/user.html", account=account, form=form)


@bp.post("/users/<int:user_id>/active")
@permission_required("manage_users")
def set_active(user_id: int):
    account = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    try:
        with transaction():
            accounts.set_active(current_user, account, active)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            _("The account has been reactivated.")
            if active
            else _("The account has been deactivated."),
            "success",
        )
    return redirect(url_for("admin.user", user_id=account.id))


@bp.get("/audit")
@permission_required("view_audit_log")
def audit():
    return render_template(
        "admin/audit.html", page=paginate(events_query(public_only=False)), describe=describe
    )


@bp.get("/mail")
@permission_required("view_mail_failures")
def mail():
    return render_template(
        "admin/mail.html", failed=outgoing.failed_messages(), counts=outgoing.status_counts()
    )
