"""The e-mail preferences: one choice per kind of event the person can be told about."""

from __future__ import annotations

from wtforms import RadioField

from thinktank.forms import Form
from thinktank.notifications.service import DELIVERIES, mail_kinds_for


def preferences_form(user, current: dict[str, str], formdata=None) -> Form:
    """A form with one radio group per mail kind ``user`` can get, set to ``current``."""

    class PreferencesForm(Form):
        pass

    for mail_kind in mail_kinds_for(user):
        setattr(
            PreferencesForm,
            mail_kind.name,
            RadioField(
                mail_kind.label,
                choices=[(value, label) for value, label in DELIVERIES.items()],
                default=current[mail_kind.name],
            ),
        )
    return PreferencesForm(formdata=formdata) if formdata is not None else PreferencesForm()
