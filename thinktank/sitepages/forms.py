"""The site page editor's form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from thinktank.forms import Form, MarkdownField, max_length, required, strip


class SitePageForm(Form):
    title = StringField(_l("Title"), filters=[strip], validators=[required(), max_length(200)])
    body = MarkdownField(_l("Text"), filters=[strip], validators=[required(), max_length(50000)])
    note = StringField(_l("What changed (optional)"), filters=[strip], validators=[max_length(500)])
