"""Forms of the discussion: comment, removal reason, flag."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import Optional

from thinktank.concurrency import EditVersionMixin
from thinktank.discussion.models import FlagReason
from thinktank.discussion.service import MAX_LENGTH
from thinktank.forms import Form, MarkdownField, choices, max_length, required, strip
from thinktank.inputs import bounded_int


class CommentForm(EditVersionMixin, Form):
    body = MarkdownField(
        _l("Your comment"),
        filters=[strip],
        validators=[required(_l("Write something before you post.")), max_length(MAX_LENGTH)],
        description=_l(
            "Mention a member with @ and their name as shown, in square brackets: @[Sofie Lund]."
        ),
        mentions=True,
    )
    argument = SelectField(
        _l("Is this an argument for or against a position?"),
        validators=[Optional()],
        validate_choice=False,  # checked against the case's positions by the service
    )

    def with_positions(self, positions: dict[int, str]) -> CommentForm:
        options = [("", _l("No, a general comment"))]
        for position_id, title in positions.items():
            options += [
                (f"for:{position_id}", _l("For “%(title)s”", title=title)),
                (f"against:{position_id}", _l("Against “%(title)s”", title=title)),
            ]
        self.argument.choices = choices(options)
        return self

    def stance_and_position(self) -> tuple[str | None, int | None]:
        stance, _sep, position = (self.argument.data or "").partition(":")
        try:
            position_id = bounded_int(position)
        except ValueError:
            position_id = None
        return (stance or None), position_id


class RemoveForm(Form):
    reason = TextAreaField(
        _l("Reason for removing the comment"),
        filters=[strip],
        validators=[required(_l("Give a reason for removing the comment.")), max_length(500)],
        description=_l(
            "Shown in the thread where the comment was, and kept in the audit log. The text itself is never shown again."
        ),
    )


class FlagForm(Form):
    reason = RadioField(
        _l("Why should the secretariat look at this comment?"),
        choices=choices(FlagReason.choices()),
        validators=[required(_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("Anything to add (optional)"), filters=[strip], validators=[Optional(), max_length(500)]
    )
