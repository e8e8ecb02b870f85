"""Forms for positions, starting the vote and casting a ballot."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from thinktank.concurrency import EditVersionMixin
from thinktank.forms import Form, MarkdownField, choices, max_length, required, strip
from thinktank.models import LOCAL_TIMEZONE
from thinktank.voting.ballots import MAX_CONDITIONS, MAX_REASON
from thinktank.voting.models import BallotChoice
from thinktank.voting.service import PositionInput


class PositionForm(EditVersionMixin, Form):
    title = StringField(
        _l("Position"),
        filters=[strip],
        validators=[required(), max_length(200)],
        description=_l("A short statement members can vote for, e.g. “Yes, on conditions”."),
    )
    explanation = MarkdownField(
        _l("Explanation"),
        filters=[strip],
        validators=[Optional(), max_length(10_000)],
        description=_l("What the position means and why one might hold it."),
    )

    def to_input(self) -> PositionInput:
        return PositionInput(title=self.title.data, explanation=self.explanation.data or "")


class RejectForm(Form):
    reason = TextAreaField(
        _l("Reason for rejecting"),
        filters=[strip],
        validators=[required(_l("Give a reason for rejecting the proposal.")), max_length(1000)],
        description=_l("Shown with the proposal to the members."),
    )


YES_NO = choices([("no", _l("No, hidden until voting closes")), ("yes", _l("Yes, open results"))])


class StartVotingForm(Form):
    closes_on = DateField(
        _l("Closing date"),
        validators=[Optional()],
        description=_l("Optional. Leave empty to close the vote by hand."),
    )
    closes_time = TimeField(
        _l("Closing time (Danish time)"),
        validators=[Optional()],
        description=_l("For example 12:00."),
    )
    open_results = RadioField(
        _l("Show the results while voting is open?"),
        choices=YES_NO,
        default="no",
        validators=[required(_l("Answer yes or no."))],
        description=_l(
            "Hidden results keep members from following the majority; they are shown when voting closes."
        ),
    )
    min_turnout = IntegerField(
        _l("Minimum turnout (per cent)"),
        default=50,
        validators=[
            InputRequired(_l("Give the minimum turnout as a whole number from 0 to 100.")),
            NumberRange(0, 100, _l("Give the minimum turnout as a whole number from 0 to 100.")),
        ],
        description=_l(
            "Closing the vote below this turnout asks the secretariat for a reason, "
            "which the log keeps. 0 means no minimum."
        ),
    )
    note = TextAreaField(
        _l("Note (optional)"),
        filters=[strip],
        validators=[Optional(), max_length(1000)],
        description=_l("Shown in the case's timeline."),
    )

    def validate(self, extra_validators=None) -> bool:
        # Here, not in validate_closes_time: Optional() stops a field's own validators.
        # Checked even when another field failed, so every mistake is shown at once.
        valid = super().validate(extra_validators)
        if self.closes_on.data and not self.closes_time.data and not self.closes_time.errors:
            self.closes_time.errors.append(_l("Give the time of day the vote closes."))
            valid = False
        if self.closes_time.data and not self.closes_on.data and not self.closes_on.errors:
            self.closes_on.errors.append(_l("Give the date the vote closes as well."))
            valid = False
        return valid

    def closes_at(self) -> datetime | None:
        """The closing time as an aware datetime (entered in Danish time)."""
        if not (self.closes_on.data and self.closes_time.data):
            return None
        return datetime.combine(self.closes_on.data, self.closes_time.data, LOCAL_TIMEZONE)


class BallotForm(Form):
    choice = RadioField(
        _l("How do you vote?"),
        validators=[required(_l("Choose a position, or abstain, or recuse."))],
    )
    reason = MarkdownField(
        _l("Reason (optional)"),
        filters=[strip],
        validators=[Optional(), max_length(MAX_REASON)],
        description=_l(
            "Shown with your name and your declared interests when the results are published."
        ),
    )
    reason_confirmed = BooleanField(_l("The reason also applies to my new choice"))
    conditional = BooleanField(
        _l("I vote yes on conditions"),
        description=_l("Tick this if your vote for the position depends on conditions."),
    )
    conditions = MarkdownField(
        _l("Your conditions"),
        filters=[strip],
        validators=[Optional(), max_length(MAX_CONDITIONS)],
        description=_l(
            "Required when you vote yes on conditions; without the tick they are not kept. "
            "Shown with the result, with your name."
        ),
    )
    #: The ballot being changed (None for a first vote) and the name of its choice.
    previous = None
    previous_label = ""

    @classmethod
    def for_positions(cls, positions, ballot=None, **kwargs) -> BallotForm:
        """The form with this case's positions to choose from (and the current ballot, if any)."""
        form = cls(**kwargs)
        form.choice.choices = choices(
            [(str(position.id), position.title) for position in positions]
            + [
                (BallotChoice.ABSTAIN.value, _l("Abstain")),
                (
                    BallotChoice.RECUSE.value,
                    _l("Recuse: I have a conflict of interest in this case"),
                ),
            ]
        )
        if ballot is not None:
            form.previous = ballot
            value = str(ballot.position_id or ballot.choice.value)
            labels = {option.value: option.label for option in form.choice.choices}
            form.previous_label = labels.get(value, "")
            if not form.is_submitted():
                form.choice.data = value
                form.reason.data = ballot.reason
                form.conditional.data = ballot.conditional
                form.conditions.data = ballot.conditions
        return form

    def chosen(self) -> tuple[BallotChoice, int | None]:
        value = self.choice.data or ""
        if value.isdigit():
            return BallotChoice.POSITION, int(value)
        return BallotChoice(value), None
