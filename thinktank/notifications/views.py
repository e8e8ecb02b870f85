"""The notification list and the unread count in the header."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from thinktank.errors import NotFound
from thinktank.notifications import service
from thinktank.pagination import paginate
from thinktank.permissions import can, permission_required
from thinktank.transaction import transaction

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def unread_notifications() -> dict:
    if not (current_user and can(current_user, "read_notifications")):
        return {"unread_notifications": 0}
    return {"unread_notifications": service.unread_count(current_user)}


@bp.get("")
@permission_required("read_notifications")
def index():
    page = paginate(service.for_user(current_user))
    return render_template("notifications/list.html", page=page, describe=service.describe)


@bp.get("/<int:notification_id>")
@permission_required("read_notifications")
def open_one(notification_id: int):
    with transaction():
        url = service.open_notification(current_user, notification_id)
    if url is None:
        raise NotFound()
    return redirect(url)


@bp.post("/read")
@permission_required("read_notifications")
def read_all():
    with transaction():
        service.mark_all_read(current_user)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for(".index"))
