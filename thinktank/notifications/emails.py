"""Notification e-mails: the recipient's language, a plain-text body with an HTML
alternative, a footer saying why, and a signed one-click unsubscribe link per person and
kind (RFC 8058) that works without logging in."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from thinktank.mail import send_mail
from thinktank.permissions import can

_UNSUBSCRIBE_SALT = "thinktank-unsubscribe"


def locale_of(user) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def absolute(url: str) -> str:
    """A link inside the site as an address from THINKTANK_BASE_URL (never a request's Host)."""
    if url.startswith("/"):
        return current_app.config["BASE_URL"] + url
    return url


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The (user id, mail kind) a link names, or None for one that was not made here."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not isinstance(payload[0], int)
        or not isinstance(payload[1], str)
    ):
        return None
    return payload[0], payload[1]


def queue(user, kind: str, *, subject: str, groups, why: str, intro: str = "") -> None:
    """Queue one e-mail to ``user`` about ``kind``; ``groups`` are (heading, [(text, link)])
    (the digest's are one per case or recommendation; a single event's heading is empty).
    Call inside ``force_locale`` of the recipient's language. Nothing is sent to an address
    the person has not confirmed (``use_verified_email``)."""
    if not can(user, "use_verified_email"):
        return
    unsubscribe = url_for(
        "notifications.unsubscribe", token=unsubscribe_token(user.id, kind), _external=True
    )
    context = {
        "user": user,
        "groups": groups,
        "intro": intro,
        "why": why,
        "preferences_url": url_for("notifications.preferences", _external=True),
        "unsubscribe_url": unsubscribe,
    }
    send_mail(
        user.email,
        subject,
        render_template("mail/notification.txt", **context),
        html_body=render_template("mail/notification.html", **context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": locale_of(user),
        },
        kind=kind,
    )
