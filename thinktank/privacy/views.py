"""Download my data (/profile/data), delete my account (/profile/delete), and the same for
administrators from the admin user page."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from thinktank.accounts.models import User
from thinktank.errors import NotFound, ValidationFailed
from thinktank.extensions import db
from thinktank.forms import Form, attach_error
from thinktank.models import utcnow
from thinktank.permissions import permission_required, require
from thinktank.privacy import erasure, export, service
from thinktank.privacy.forms import AdminDeleteAccountForm, DeleteAccountForm
from thinktank.transaction import transaction

bp = Blueprint("privacy", __name__)


def _zip_response(data: bytes, user_id: int) -> Response:
    name = f"taenketanken-data-{user_id}-{utcnow():%Y%m%d}.zip"
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/profile/data", methods=["GET", "POST"])
@permission_required("edit_profile")
def export_data():
    form = Form()
    if form.validate_on_submit():
        with transaction():
            data = service.export_own_data(current_user)
        return _zip_response(data, current_user.id)
    return render_template("privacy/export.html", form=form, collectors=export.collectors())


@bp.route("/profile/delete", methods=["GET", "POST"])
@permission_required("edit_profile")
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            with transaction():
                service.delete_own_account(current_user, form.password.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            logout_user()
            flash(_("Your account has been deleted. Thank you for taking part."), "success")
            return redirect(url_for("public.index"))
    label = erasure.anonymous_label(current_user, str(get_locale()))
    return render_template("privacy/delete.html", form=form, label=label)


def _account(user_id: int) -> User:
    account = db.session.get(User, user_id)
    if account is None:
        raise NotFound()
    return account


@bp.post("/admin/users/<int:user_id>/data")
@permission_required("export_account_data")
def admin_export(user_id: int):
    account = _account(user_id)
    form = Form()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return redirect(url_for("admin.user", user_id=user_id))
    with transaction():
        data = service.export_account_data(current_user, account)
    return _zip_response(data, account.id)


@bp.route("/admin/users/<int:user_id>/delete", methods=["GET", "POST"])
@permission_required("manage_users")
def admin_delete(user_id: int):
    account = _account(user_id)
    require("delete_account", account)
    form = AdminDeleteAccountForm()
    if form.validate_on_submit():
        try:
            with transaction():
                service.delete_account(current_user, account, form.reason.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("The account has been deleted and its contributions anonymised."), "success")
            return redirect(url_for("admin.user", user_id=account.id))
    return render_template("privacy/admin_delete.html", form=form, account=account)
