"""The notification list and the unread count in the header, what one follows, the e-mail
preferences and the one-click unsubscribe link."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from thinktank.accounts.service import TokenProblem
from thinktank.errors import NotFound
from thinktank.extensions import csrf
from thinktank.notifications import emails, follows, service
from thinktank.notifications.forms import preferences_form
from thinktank.pagination import paginate
from thinktank.permissions import can, permission_required, require
from thinktank.transaction import transaction

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_notifications() -> dict:
    if not (current_user and can(current_user, "read_notifications")):
        return {"unread_notifications": 0}
    return {"unread_notifications": service.unread_count(current_user)}


@bp.get("/notifications")
@permission_required("read_notifications")
def index():
    page = paginate(service.for_user(current_user))
    return render_template("notifications/list.html", page=page, describe=service.describe)


@bp.get("/notifications/<int:notification_id>")
@permission_required("read_notifications")
def open_one(notification_id: int):
    with transaction():
        url = service.open_notification(current_user, notification_id)
    if url is None:
        raise NotFound()
    return redirect(url)


@bp.post("/notifications/read")
@permission_required("read_notifications")
def read_all():
    with transaction():
        service.mark_all_read(current_user)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for(".index"))


@bp.get("/profile/following")
@permission_required("read_notifications")
def following():
    return render_template("notifications/following.html", followed=follows.following(current_user))


@bp.route("/profile/notifications", methods=["GET", "POST"])
@permission_required("edit_profile")
def preferences():
    if request.method == "POST":
        require("use_verified_email")
    current = service.preferences([current_user.id])[current_user.id]
    form = preferences_form(
        current_user, current, request.form if request.method == "POST" else None
    )
    if form.validate_on_submit():
        choices = {
            mail_kind.name: form[mail_kind.name].data
            for mail_kind in service.mail_kinds_for(current_user)
        }
        with transaction():
            service.set_preferences(current_user, choices)
        flash(_("Your e-mail preferences have been saved."), "success")
        return redirect(url_for(".preferences"))
    return render_template(
        "notifications/preferences.html",
        form=form,
        mail_kinds=service.mail_kinds_for(current_user),
    ), (400 if form.errors else 200)


@bp.get("/unsubscribe/<token>")
def unsubscribe_confirm(token: str):
    found = _unsubscribing(token)
    return render_template(
        "notifications/unsubscribe.html", token=token, mail_kind=found[1], done=False
    )


# RFC 8058: the mail program posts "List-Unsubscribe=One-Click" without a session or a CSRF
# token; the signed token in the address is what proves the request.
@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    user_id, mail_kind = _unsubscribing(token)
    with transaction():
        service.unsubscribe(user_id, mail_kind.name)
    return render_template(
        "notifications/unsubscribe.html", token=token, mail_kind=mail_kind, done=True
    )


def _unsubscribing(token: str):
    found = emails.read_unsubscribe_token(token)
    if found is None or found[1] not in service.MAIL_KIND_NAMES:
        raise TokenProblem(
            _(
                "This unsubscribe link is not valid. Change your e-mail preferences on your profile instead."
            )
        )
    return found[0], service.MAIL_KIND_NAMES[found[1]]
