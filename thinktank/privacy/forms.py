"""Forms for deleting an account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, TextAreaField

from thinktank.accounts.passwords import MAX_LENGTH
from thinktank.forms import Form, max_length, required, strip


def _confirm_field():
    return BooleanField(
        _l("I understand that this cannot be undone"),
        validators=[required(_l("Tick the box to confirm that you understand."))],
    )


class DeleteAccountForm(Form):
    password = PasswordField(
        _l("Your password"),
        validators=[required(), max_length(MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = _confirm_field()


class AdminDeleteAccountForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[required(), max_length(1000)],
        description=_l("E.g. the person's request by e-mail and its date. Kept in the audit log."),
    )
    confirm = _confirm_field()
