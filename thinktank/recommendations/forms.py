"""Forms for drafting, reviewing, publishing and adopting recommendations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from thinktank.cases.forms import MultiCheckboxField
from thinktank.concurrency import EditVersionMixin
from thinktank.discussion.models import FlagReason
from thinktank.forms import Form, MarkdownField, choices, max_length, required, strip
from thinktank.inputs import bounded_int
from thinktank.markup import plain_excerpt
from thinktank.recommendations.experience import MAX_ANSWER, QUESTIONS, ReportInput
from thinktank.recommendations.models import Recommends, ReportVisibility, Response
from thinktank.recommendations.municipalities import MUNICIPALITIES, sorted_choices
from thinktank.recommendations.service import DraftInput, default_review_deadline


class DraftForm(EditVersionMixin, Form):
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[required(), max_length(200)],
        description=_l("What the recommendation says, in a few words."),
    )
    summary = TextAreaField(
        _l("Summary"),
        filters=[strip],
        validators=[required(), max_length(600)],
        description=_l(
            "What a busy municipal director reads: the recommendation in two or three sentences."
        ),
    )
    body = MarkdownField(
        _l("The recommendation"),
        filters=[strip],
        validators=[required(), max_length(30_000)],
    )
    easy_read = MarkdownField(
        _l("Easy-read version (optional)"),
        filters=[strip],
        validators=[Optional(), max_length(10_000)],
        description=_l(
            "The summary and the advice in plain language, for readers without the background: "
            "short sentences and everyday words. Shown in a section of its own and printable."
        ),
    )
    review_by = DateField(
        _l("Review by"),
        validators=[Optional()],
        description=_l(
            "Guidance on technology goes stale: when should the think tank look at it again?"
        ),
    )
    citations = MultiCheckboxField(
        _l("Arguments the recommendation rests on"),
        coerce=bounded_int,
        validators=[Optional()],
        validate_choice=False,  # the service checks they belong to the case
        description=_l("Chosen comments are shown as quotes that link back to the discussion."),
    )

    def with_comments(self, comments) -> DraftForm:
        self.citations.choices = choices(
            (c.id, f"{c.author.display_name if c.author else '?'}: {plain_excerpt(c.body, 140)}")
            for c in comments
        )
        return self

    def to_input(self) -> DraftInput:
        return DraftInput(
            title=self.title.data,
            summary=self.summary.data,
            body=self.body.data,
            review_by=self.review_by.data,
            citations=list(self.citations.data or []),
            easy_read=self.easy_read.data or "",
        )


class RespondForm(Form):
    response = RadioField(
        _l("Your answer"),
        choices=choices(Response.choices()),
        validators=[required(_l("Choose consent or objection."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[Optional(), max_length(5000)],
        description=_l("Required when you object."),
    )


class OpinionForm(Form):
    body = MarkdownField(
        _l("Your minority opinion"),
        id="opinion-body",  # the discussion's comment form on the same page has "body"
        filters=[strip],
        validators=[required(_l("Write the minority opinion.")), max_length(10_000)],
        description=_l("Published with the recommendation and signed with your name."),
    )


class ReviewForm(Form):
    deadline = DateField(
        _l("Review deadline"),
        default=default_review_deadline,
        validators=[InputRequired(_l("Choose the review deadline."))],
        description=_l("The last day members can answer. Publishing before it asks for a reason."),
    )


class PublishForm(Form):
    change_note = TextAreaField(
        _l("What changed in this version?"),
        filters=[strip],
        validators=[Optional(), max_length(2000)],
        description=_l("Required from version 2 on; shown with the version."),
    )
    # Only on the confirmation page (publishing early or over objections).
    reason = TextAreaField(
        _l("Reason for publishing now"),
        filters=[strip],
        validators=[Optional(), max_length(2000)],
        description=_l("Shown in the public log with the publication."),
    )


class WithdrawForm(Form):
    reason = TextAreaField(
        _l("Why is the recommendation withdrawn?"),
        filters=[strip],
        validators=[required(_l("Say why the recommendation is withdrawn.")), max_length(2000)],
        description=_l("Shown prominently on the recommendation; its text stays readable."),
    )


def _id_or_none(value):
    return bounded_int(value) if value not in (None, "") else None


class SupersedeForm(Form):
    by = SelectField(
        _l("Superseded by"),
        coerce=_id_or_none,
        validators=[required(_l("Choose another published recommendation."))],
        validate_choice=False,
    )


class AdoptForm(Form):
    municipality = SelectField(
        _l("Municipality"),
        choices=choices([("", _l("Choose a municipality"))] + sorted_choices()),
        validators=[required(_l("Choose a municipality from the list."))],
    )
    note = TextAreaField(
        _l("How do you use it? (optional)"),
        filters=[strip],
        validators=[Optional(), max_length(1000)],
    )


class ConditionGroupForm(Form):
    title = StringField(
        _l("Name of the group"),
        filters=[strip],
        validators=[required(_l("Give the group a name.")), max_length(200)],
        description=_l("What the conditions have in common, e.g. “Citizens get access”."),
    )
    conditions = MultiCheckboxField(
        _l("Conditions that say the same"),
        coerce=bounded_int,
        validators=[required(_l("Choose the conditions that say the same."))],
        validate_choice=False,  # the service checks they are in the vote and in no group
    )

    def with_conditions(self, conditions) -> ConditionGroupForm:
        self.conditions.choices = choices(
            (c.id, f"{c.name}: {plain_excerpt(c.conditions, 140)}") for c in conditions
        )
        return self


class ExperienceForm(Form):
    """How it went: the three questions, would they recommend it, and who may read it."""

    municipality = SelectField(
        _l("Municipality"),
        validators=[required(_l("Choose a municipality that uses the recommendation."))],
    )
    done = MarkdownField(
        QUESTIONS["done"],
        filters=[strip],
        validators=[required(_l("Answer this question.")), max_length(MAX_ANSWER)],
        description=_l("What the municipality set up, for whom, and since when."),
    )
    worked = MarkdownField(
        QUESTIONS["worked"],
        filters=[strip],
        validators=[required(_l("Answer this question.")), max_length(MAX_ANSWER)],
    )
    failed = MarkdownField(
        QUESTIONS["failed"],
        filters=[strip],
        validators=[required(_l("Answer this question.")), max_length(MAX_ANSWER)],
    )
    recommends = RadioField(
        _l("Would you recommend it to other municipalities?"),
        choices=choices(Recommends.choices()),
        validators=[required(_l("Choose yes, partly or no."))],
    )
    visibility = RadioField(
        _l("Who may read the report?"),
        choices=choices(ReportVisibility.choices()),
        validators=[required(_l("Choose who may read the report."))],
        description=_l(
            "The report shows your municipality's name, not yours. The secretariat sees "
            "every report."
        ),
    )

    def for_municipalities(self, codes: list[str]) -> ExperienceForm:
        self.municipality.choices = choices((code, MUNICIPALITIES[code]) for code in codes)
        if len(codes) == 1 and not self.municipality.data:
            self.municipality.data = codes[0]
        return self

    def to_input(self) -> ReportInput:
        return ReportInput(
            done=self.done.data,
            worked=self.worked.data,
            failed=self.failed.data,
            recommends=self.recommends.data,
            visibility=self.visibility.data,
        )


class ExperienceFlagForm(Form):
    reason = RadioField(
        _l("Why should the secretariat look at this report?"),
        choices=choices(FlagReason.choices()),
        validators=[required(_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("Anything to add (optional)"), filters=[strip], validators=[Optional(), max_length(500)]
    )


class ExperienceRemoveForm(Form):
    reason = TextAreaField(
        _l("Reason for removing the report"),
        filters=[strip],
        validators=[required(_l("Give a reason for removing the report.")), max_length(500)],
        description=_l("Shown where the report was, and kept in the audit log."),
    )
