"""The one case form, used to create and to edit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from thinktank.cases.service import MAX_TAGS, CaseInput, normalise_tags
from thinktank.cases.vocabulary import (
    AiActRisk,
    AlgorithmRole,
    Domain,
    Dpia,
    HumanContact,
    PersonalData,
    TechnologyKind,
    Visibility,
)
from thinktank.concurrency import EditVersionMixin
from thinktank.forms import Form, MarkdownField, choices, max_length, required, strip

YES_NO = choices([("yes", _l("Yes")), ("no", _l("No"))])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _select(label, vocabulary, description=None, blank=None):
    options = vocabulary.choices()
    if blank:
        options = [("", blank), *options]
    return SelectField(
        label,
        choices=choices(options),
        validators=[required(_l("Choose one of the options."))],
        description=description,
    )


def _text(label, limit, description=None, optional=True, area=False, markdown=False):
    field_class = MarkdownField if markdown else TextAreaField if area else StringField
    return field_class(
        label,
        filters=[strip],
        validators=[Optional() if optional else required(), max_length(limit)],
        description=description,
    )


def _validate_tags(_form, field) -> None:
    names = normalise_tags(field.data or "")
    if len(names) > MAX_TAGS:
        raise ValidationError(_l("At most %(n)d tags.", n=MAX_TAGS))
    if any(len(name) > 40 for name in names):
        raise ValidationError(_l("Each tag can be at most 40 characters."))


class CaseForm(EditVersionMixin, Form):
    # The dilemma
    title = _text(
        _l("Title"),
        200,
        _l("A short question or name, e.g. “Predicting long-term unemployment”."),
        optional=False,
    )
    summary = _text(
        _l("Short summary"),
        500,
        _l("Two or three sentences: what is to be decided, and why is it hard?"),
        optional=False,
        area=True,
    )
    dilemma = _text(
        _l("The dilemma"),
        20_000,
        _l("Describe the situation and the considerations that pull in different directions."),
        optional=False,
        markdown=True,
    )
    domain = _select(_l("Municipal domain"), Domain, blank=_l("Choose a domain"))
    tags = StringField(
        _l("Tags"),
        filters=[strip],
        validators=[Optional(), max_length(500), _validate_tags],
        description=_l("Separate with commas, e.g. profiling, job centre."),
    )
    # The technology
    technology = _select(_l("Kind of technology"), TechnologyKind, blank=_l("Choose a kind"))
    algorithm_role = RadioField(
        _l("The algorithm's role"),
        choices=choices(AlgorithmRole.choices()),
        validators=[required(_l("Choose whether the algorithm advises or decides."))],
    )
    # Choices that state a fact start empty: saving untouched must not claim anything.
    ai_act_risk = _select(
        _l("Risk class under the EU AI Act (your judgement)"),
        AiActRisk,
        _l("Choose “Unknown” if it has not been assessed."),
        blank=_l("Choose a risk class"),
    )
    # The data
    personal_data = MultiCheckboxField(
        _l("Personal data involved"),
        choices=choices(PersonalData.choices()),
        validators=[Optional()],
        validate_choice=False,  # checked in validate_personal_data, with our own message
    )
    sensitive_data = RadioField(
        _l("Are sensitive personal data involved (e.g. health, ethnicity)?"),
        choices=YES_NO,
        validators=[required(_l("Answer yes or no."))],
    )
    cross_sector_data = RadioField(
        _l("Are data taken across sectors (e.g. from the region or the state)?"),
        choices=YES_NO,
        validators=[required(_l("Answer yes or no."))],
    )
    data_sources = _text(
        _l("Data sources"), 2000, _l("Which registers or systems the data come from."), area=True
    )
    # The consequences
    affected = _text(
        _l("Who is affected"),
        2000,
        _l("Which citizens and staff are affected, and how many."),
        area=True,
    )
    benefits = _text(_l("Expected benefits"), 10_000, markdown=True)
    risks = _text(_l("Risks"), 10_000, markdown=True)
    human_contact = RadioField(
        _l("Do citizens keep contact with a person?"),
        choices=choices(HumanContact.choices()),
        validators=[required(_l("Choose one of the options."))],
    )
    legal_basis = _text(
        _l("Legal basis"), 2000, _l("The legislation the use rests on, if known."), area=True
    )
    dpia = _select(
        _l("Data protection impact assessment (DPIA)"), Dpia, blank=_l("Choose an answer")
    )
    # Who may read it
    visibility = RadioField(
        _l("Who may read the case?"),
        choices=choices(Visibility.choices()),
        default=Visibility.MEMBERS.value,
        validators=[required(_l("Choose who may read the case."))],
        description=_l("Drafts are only seen by you and the secretariat until the case is opened."),
    )
    chatham_house = BooleanField(
        _l("Chatham House rule"),
        description=_l(
            "Inside the think tank every contribution stays named. Everyone else sees only "
            "the author's sector, e.g. “A member (municipal sector)”. It can be turned on at "
            "any time, but not turned off once the case is open."
        ),
    )

    def validate_personal_data(self, field) -> None:
        allowed = {member.value for member in PersonalData}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Not a valid choice."))

    def to_input(self) -> CaseInput:
        return CaseInput(
            title=self.title.data,
            summary=self.summary.data,
            dilemma=self.dilemma.data,
            domain=Domain(self.domain.data),
            tags=normalise_tags(self.tags.data or ""),
            technology=TechnologyKind(self.technology.data),
            algorithm_role=AlgorithmRole(self.algorithm_role.data),
            ai_act_risk=AiActRisk(self.ai_act_risk.data),
            personal_data=list(self.personal_data.data or []),
            sensitive_data=self.sensitive_data.data == "yes",
            cross_sector_data=self.cross_sector_data.data == "yes",
            data_sources=self.data_sources.data or "",
            affected=self.affected.data or "",
            benefits=self.benefits.data or "",
            risks=self.risks.data or "",
            human_contact=HumanContact(self.human_contact.data),
            legal_basis=self.legal_basis.data or "",
            dpia=Dpia(self.dpia.data),
            visibility=Visibility(self.visibility.data),
            chatham_house=bool(self.chatham_house.data),
        )

    @classmethod
    def for_case(cls, case):
        """The form filled with a saved case (for editing)."""
        form = cls(formdata=None, obj=case)
        form.tags.data = ", ".join(tag.name for tag in case.tags)
        form.sensitive_data.data = "yes" if case.sensitive_data else "no"
        form.cross_sector_data.data = "yes" if case.cross_sector_data else "no"
        form.personal_data.data = list(case.personal_data or [])
        form.opened_at(case.revision_count)
        return form


def field_labels() -> dict[str, str]:
    """Each case field's label, in the reader's language: the history names fields by them."""
    form = CaseForm(formdata=None, meta={"csrf": False})
    return {name: field.label.text for name, field in form._fields.items()}


class TransitionForm(Form):
    note = _text(_l("Note (optional)"), 1000, _l("Shown in the case's timeline."), area=True)
    # Only on the confirmation page of a step that needs a reason (e.g. closing a vote early).
    reason = _text(
        _l("Reason"),
        1000,
        _l("Why go ahead now? Shown in the case's timeline and kept in the public log."),
        area=True,
    )
