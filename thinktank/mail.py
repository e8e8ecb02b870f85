"""Outgoing e-mail through an outbox: a message is a row written in the same transaction as
the act that caused it (a rolled-back act sends nothing), and ``flask send-mail`` delivers
the rows later, never inside a web request.

Delivery backends: ``smtp`` (production), ``log`` (development: written to the log, and
delivered right after each request that queued mail so ``make run`` shows it) and
``memory`` (tests: kept in :func:`outbox`).

Two senders never send one message: each claims its rows with a conditional UPDATE from
``pending`` to ``sending`` (a row only one of them can win), and on PostgreSQL the rows to
claim are picked with ``FOR UPDATE SKIP LOCKED`` so the senders do not even wait for each
other. A temporary SMTP failure (4xx, a lost connection) is retried with exponential
back-off; a permanent one (5xx, or too many tries) is kept as ``failed`` for the admins.
"""

from __future__ import annotations

import contextlib
import html
import logging
import re
import secrets
import smtplib
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import JSON, CheckConstraint, Index, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from thinktank.extensions import db
from thinktank.models import UTCDateTime, utcnow
from thinktank.transaction import transaction

log = logging.getLogger("thinktank.mail")

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
#: Tries before a temporary failure counts as permanent (1 + 2 + 4 … minutes apart).
MAX_ATTEMPTS = 8
#: A row left ``sending`` this long belongs to a sender that died: it is offered again.
STALE_CLAIM = timedelta(minutes=15)
#: The header that says what sort of e-mail a message is (``send_mail(kind=…)``).
KIND_HEADER = "X-Thinktank-Kind"


class OutboxMessage(db.Model):
    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')", name="mail_outbox_status"
        ),
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    # extra headers (List-Unsubscribe, Content-Language …), as a JSON object
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def outbox() -> list[EmailMessage]:
    """Messages delivered by the ``memory`` backend (tests)."""
    return current_app.extensions.setdefault("thinktank_outbox", [])


def _message_id() -> str:
    domain = (current_app.config.get("SERVER_NAME") or "localhost").split(":")[0]
    return make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain)


def text_to_html(body: str) -> str:
    """A plain-text body as simple HTML: paragraphs, line breaks, and its links clickable."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", body.strip()):
        escaped = html.escape(paragraph)
        escaped = re.sub(r"(https?://[^\s<]+)", r'<a href="\1">\1</a>', escaped)
        paragraphs.append("<p>" + escaped.replace("\n", "<br>\n") + "</p>")
    return "\n".join(paragraphs)


def send_mail(
    to: str,
    subject: str,
    body: str,
    *,
    html_body: str | None = None,
    headers: dict[str, str] | None = None,
    kind: str = "",
) -> OutboxMessage:
    """Queue an e-mail (plain text, with an HTML alternative) in the current transaction.
    ``kind`` (what sort of e-mail it is) travels as the ``X-Thinktank-Kind`` header; the data
    export lists it with each e-mail a person was sent."""
    headers = dict(headers or {})
    if kind:
        headers[KIND_HEADER] = kind
    message = OutboxMessage(
        recipient=to,
        subject=subject.replace("\n", " ").strip()[:300],
        text_body=body,
        html_body=html_body if html_body is not None else text_to_html(body),
        headers=headers,
        message_id=_message_id(),
        status=PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
        created_at=utcnow(),
    )
    db.session.add(message)
    if has_request_context():
        g.thinktank_mail_queued = True
    return message


def build(row: OutboxMessage) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message["Date"] = row.created_at.astimezone().strftime("%a, %d %b %Y %H:%M:%S %z")
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(_html_document(row), subtype="html")
    # after the bodies: setting content replaces a message's Content-* headers
    for name, value in (row.headers or {}).items():
        message[name] = value
    return message


def _html_document(row: OutboxMessage) -> str:
    language = (row.headers or {}).get("Content-Language", "da")
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(row.subject)}</title></head>\n"
        '<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5; '
        'color: #1a1a1a; max-width: 40em;">\n'
        f"{row.html_body}\n</body>\n</html>\n"
    )


# --- the sender ----------------------------------------------------------------------------


class TemporaryFailure(Exception):
    """The server said "try later" (4xx) or could not be reached."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx)."""


def _claim(limit: int) -> tuple[str, list[int]]:
    """Mark up to ``limit`` due rows as ours and commit, so no other sender takes them."""
    with transaction() as session:
        return _claim_in(session, limit)


def _claim_in(session, limit: int) -> tuple[str, list[int]]:
    now = utcnow()
    token = secrets.token_hex(16)
    # a sender that died mid-send left its rows "sending": offer them again after a while
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < now - STALE_CLAIM)
        .values(status=PENDING, claimed_by=None)
    )
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = list(session.scalars(query))
    if candidates:
        # the conditional UPDATE is the claim itself: a row another sender took meanwhile
        # is no longer pending and is left alone (SQLite has no SKIP LOCKED)
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(candidates), OutboxMessage.status == PENDING)
            .values(status=SENDING, claimed_by=token, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
    mine = list(
        session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.claimed_by == token, OutboxMessage.status == SENDING)
            .order_by(OutboxMessage.id)
        )
    )
    return token, mine


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """One pass of the sender: deliver the due messages; returns (sent, failed or retried).

    The claim is one transaction, and each message's outcome another.
    """
    _token, ids = _claim(limit)
    sent = problems = 0
    connection = None
    try:
        for message_id in ids:
            with transaction():
                row = db.session.get(OutboxMessage, message_id)
                ok, connection = _deliver_one(row, connection)
            sent += ok
            problems += not ok
    finally:
        _close(connection)
    return sent, problems


def _deliver_one(row: OutboxMessage, connection):
    """Send one claimed row and record how it went; returns (delivered, connection)."""
    backend = current_app.config["MAIL_BACKEND"]
    try:
        if backend == "smtp":
            connection = connection or _connect()
            _send_smtp(connection, build(row))
        elif backend == "memory":
            outbox().append(build(row))
        else:
            log.info(
                "E-mail (no mail server configured)\nTo: %s\nSubject: %s\n\n%s",
                row.recipient,
                row.subject,
                row.text_body,
            )
    except TemporaryFailure as error:
        _retry_later(row, str(error))
        return False, _close(connection)
    except PermanentFailure as error:
        _give_up(row, str(error))
        return False, connection
    row.status = SENT
    row.sent_at = utcnow()
    row.attempts += 1
    row.claimed_by = None
    return True, connection


def _retry_later(row: OutboxMessage, error: str) -> None:
    row.attempts += 1
    row.last_error = error[:1000]
    row.claimed_by = None
    if row.attempts >= MAX_ATTEMPTS:
        row.status = FAILED
        return
    base = current_app.config["MAIL_RETRY_BASE"]
    row.status = PENDING
    row.next_attempt_at = utcnow() + base * (2 ** (row.attempts - 1))


def _give_up(row: OutboxMessage, error: str) -> None:
    row.attempts += 1
    row.status = FAILED
    row.last_error = error[:1000]
    row.claimed_by = None


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        smtp = smtp_class(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30)
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except (OSError, smtplib.SMTPException) as error:
        # a server that cannot be reached or logged into is the operator's to fix: keep
        # the messages and try again later
        raise TemporaryFailure(f"cannot connect: {error}") from error
    return smtp


def _close(connection) -> None:
    if connection is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.quit()  # the message's outcome is recorded; a failed goodbye is not one
    return None


def _failure(code: int, text) -> Exception:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    described = f"{code} {text}"
    return TemporaryFailure(described) if 400 <= code < 500 else PermanentFailure(described)


def _send_smtp(connection: smtplib.SMTP, message: EmailMessage) -> None:
    try:
        connection.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()))
        raise _failure(code, text) from error
    except smtplib.SMTPResponseException as error:
        raise _failure(error.smtp_code, error.smtp_error) from error
    except (OSError, smtplib.SMTPException) as error:
        raise TemporaryFailure(str(error)) from error


def failed_messages(limit: int = 50) -> list[OutboxMessage]:
    """Messages that could not be delivered, newest first (for the admins)."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == FAILED)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def status_counts() -> dict[str, int]:
    """How many messages are waiting, being sent, sent and failed."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
    )
    return {PENDING: 0, SENDING: 0, SENT: 0, FAILED: 0} | dict(rows.all())


def init_app(app) -> None:
    """In development with the log backend, deliver a request's mail right after it, so
    ``make run`` shows each message in the log without a separate sender."""

    @app.teardown_request
    def _deliver_to_log(error) -> None:
        if error is not None or not g.pop("thinktank_mail_queued", False):
            return
        if app.config["MAIL_BACKEND"] != "log" or app.testing:
            return
        try:
            deliver_pending()
        except Exception:
            log.exception("could not write the outbox to the log")
