"""Forms for accounts: login, registration, invitation, reset and profile."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, Optional

from thinktank.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from thinktank.accounts.roles import INVITABLE_ROLES, Role, Sector
from thinktank.forms import Form, choices, max_length, required, strip


def _email_field(label=None) -> EmailField:
    return EmailField(
        label or _l("E-mail address"),
        filters=[strip],
        validators=[
            required(),
            max_length(254),
            Email(
                message=_l("Enter a valid e-mail address, e.g. name@kommune.dk."),
                check_deliverability=False,
            ),
        ],
        render_kw={"autocomplete": "email"},
    )


def _new_password_fields():
    password = PasswordField(
        _l("Password"),
        validators=[required(), max_length(MAX_LENGTH)],
        description=_l(
            "At least %(n)d characters. A sentence of a few words is easy to remember and hard to guess.",
            n=MIN_LENGTH,
        ),
        render_kw={"autocomplete": "new-password", "minlength": MIN_LENGTH},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            required(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def _sector_choices(blank_label):
    return choices([("", blank_label)] + [(sector.value, sector.label) for sector in Sector])


def _coerce_sector(value):
    return Sector(value) if value else None


class LoginForm(Form):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        validators=[required(), max_length(MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Remember me on this device"))


class AffiliationMixin:
    display_name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[required(), max_length(120)],
        description=_l("Shown with everything you write."),
        render_kw={"autocomplete": "name"},
    )
    organisation = StringField(
        _l("Organisation"),
        filters=[strip],
        validators=[Optional(), max_length(200)],
        description=_l("For example Aarhus Kommune or Region Midtjylland."),
        render_kw={"autocomplete": "organization"},
    )


class RegisterForm(AffiliationMixin, Form):
    email = _email_field()
    sector = SelectField(
        _l("Sector"),
        choices=_sector_choices(_l("Not stated")),
        validators=[Optional()],
        coerce=str,
    )
    password, confirm = _new_password_fields()


class AcceptInvitationForm(AffiliationMixin, Form):
    organisation = StringField(
        _l("Organisation"),
        filters=[strip],
        validators=[required(), max_length(200)],
        description=_l("For example Aarhus Kommune or Region Midtjylland."),
        render_kw={"autocomplete": "organization"},
    )
    sector = SelectField(
        _l("Sector"),
        choices=_sector_choices(_l("Choose a sector")),
        validators=[required(_l("Choose a sector."))],
    )
    password, confirm = _new_password_fields()


class InviteForm(Form):
    email = _email_field(_l("E-mail address of the person to invite"))
    role = SelectField(_l("Role"), validators=[required(_l("Choose a role."))])

    def __init__(self, *args, roles=INVITABLE_ROLES, **kwargs):
        """``roles``: the ones this user may invite; no other is offered or accepted."""
        super().__init__(*args, **kwargs)
        self.role.choices = choices(
            [("", _l("Choose a role"))] + [(r.value, r.label) for r in roles]
        )


class ResetRequestForm(Form):
    email = _email_field()


class ResetPasswordForm(Form):
    password, confirm = _new_password_fields()


class ProfileForm(AffiliationMixin, Form):
    sector = SelectField(
        _l("Sector"),
        choices=_sector_choices(_l("Not stated")),
        validators=[Optional()],
    )


class ChangePasswordForm(Form):
    old_password = PasswordField(
        _l("Current password"),
        validators=[required(), max_length(MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[required(), max_length(MAX_LENGTH)],
        description=_l("At least %(n)d characters.", n=MIN_LENGTH),
        render_kw={"autocomplete": "new-password", "minlength": MIN_LENGTH},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            required(),
            EqualTo("new_password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=choices((role.value, role.label) for role in Role))


def sector_value(form) -> Sector | None:
    return _coerce_sector(form.sector.data)


class ChangeEmailForm(Form):
    new_email = _email_field(_l("New e-mail address"))
    email_password = PasswordField(
        _l("Your password"),
        validators=[required(), max_length(MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
