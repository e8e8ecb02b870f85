"""The base form: WTForms' built-in messages go through our own catalogs, and every text
field drops control characters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from markupsafe import Markup, escape
from wtforms import HiddenField, PasswordField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from thinktank.i18n import Number
from thinktank.inputs import without_control_characters


class _Translations:
    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)


class HiddenInputWithoutId(HiddenInput):
    """A hidden input without an ``id``: nothing labels it, and two forms on one page
    (each with its ``csrf_token``) would otherwise repeat the same id."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", False)
        return super().__call__(field, **kwargs)


class _TokenWhenShown:
    """A CSRF token made when it is written into a page, not when its form is built."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], str]) -> None:
        self._make = make

    def __str__(self) -> str:
        return self._make()

    def __html__(self) -> Markup:
        return escape(self._make())


class _CsrfWhenShown(_FlaskFormCSRF):
    """Flask-WTF's CSRF, but the token (and the session cookie that holds it) comes only with
    a form that is shown: a page that builds a form it does not show an anonymous reader (a
    case page's comment form) stays free of cookies and the same for every visitor."""

    def generate_csrf_token(self, csrf_token_field):
        return _TokenWhenShown(lambda: super(_CsrfWhenShown, self).generate_csrf_token(None))


class Form(FlaskForm):
    class Meta:
        csrf_class = _CsrfWhenShown

        def get_translations(self, form):
            return _Translations()

        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, HiddenField):
                unbound_field.kwargs.setdefault("widget", HiddenInputWithoutId())
            if is_free_text(unbound_field.field_class):
                # Every text field of every form: control characters (NUL, ESC…) are never
                # meant and PostgreSQL refuses NUL. In ``options``, as the unbound field is
                # shared by every instance of the form.
                filters = unbound_field.kwargs.get("filters", ())
                options = options | {"filters": [without_control_characters, *filters]}
            return super().bind_field(form, unbound_field, options)


def is_free_text(field_class) -> bool:
    """A field that takes free text (a password is taken exactly as typed)."""
    return issubclass(field_class, StringField) and not issubclass(field_class, PasswordField)


class MarkdownField(TextAreaField):
    """A text area for Markdown: the field macro shows the formatting help with it
    (with the @mention syntax where ``mentions`` is true)."""

    def __init__(self, *args, mentions: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mentions = mentions


def wants_preview() -> bool:
    """Whether the form was sent with its "preview" button."""
    return request.method == "POST" and request.form.get("action") == "preview"


def preview_or_ready(form, render: Callable[[Any], Any]) -> tuple[Any, bool]:
    """The preview-or-save step of a form with Markdown: (preview, ready to save).

    The "preview" button (``name="action" value="preview"``) validates the form so its
    errors show, renders ``render(form)`` and saves nothing; any other submit is ready to
    save when the form is valid.
    """
    if request.method != "POST":
        return None, False
    if wants_preview():
        form.validate()
        return render(form), False
    return None, form.validate_on_submit()


def attach_error(form, error) -> None:
    """Show a service's :class:`~thinktank.errors.ValidationFailed` on the field it
    concerns (or above the form when it names none)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def strip(value):
    """Input filter: surrounding whitespace is never meant."""
    return value.strip() if isinstance(value, str) else value


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs; labels may be lazy strings."""
    return [SelectChoice(value, label) for value, label in pairs]


def required(message=None) -> DataRequired:
    return DataRequired(message=message or _l("This field is required."))


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("At most %(max)s characters.", max=Number(n)))


# WTForms' own messages, listed here so that extraction puts them in the catalogs.
_WTFORMS_MESSAGES = (
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Choices cannot be None."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid CSRF Token."),
    _l("The CSRF token is missing."),
    _l("CSRF failed."),
    _l("The CSRF token is invalid."),
    _l("The CSRF tokens do not match."),
    _l("The CSRF session token is missing."),
    _l("The CSRF token has expired."),
)
