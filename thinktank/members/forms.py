"""Forms for declared interests."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from thinktank.forms import Form, choices, max_length, required, strip
from thinktank.members.models import InterestKind
from thinktank.members.service import InterestInput

# No format in the hint: a date input shows the format of the browser's own language.
_DATE_HINT = _l("Optional.")


class InterestForm(Form):
    kind = SelectField(
        _l("Kind of interest"),
        choices=choices([("", _l("Choose a kind")), *InterestKind.choices()]),
        validators=[required(_l("Choose the kind of interest."))],
    )
    organisation = StringField(
        _l("Organisation"),
        filters=[strip],
        validators=[required(), max_length(200)],
        description=_l("The company, authority or association, e.g. Netcompany."),
    )
    description = TextAreaField(
        _l("Description"),
        filters=[strip],
        validators=[Optional(), max_length(1000)],
        description=_l("Your role and what the interest consists of, in a sentence or two."),
    )
    starts_on = DateField(_l("From"), validators=[Optional()], description=_DATE_HINT)
    ends_on = DateField(
        _l("To"),
        validators=[Optional()],
        description=_l("Leave empty while the interest lasts."),
    )

    def to_input(self) -> InterestInput:
        return InterestInput(
            kind=InterestKind(self.kind.data),
            organisation=self.organisation.data,
            description=self.description.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
        )


class EndInterestForm(Form):
    ends_on = DateField(
        _l("Ended on"),
        validators=[Optional()],
        description=_l("Leave empty to end it today."),
    )
