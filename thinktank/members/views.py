"""The member register, a member's page, and declaring interests on one's profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from thinktank.cases.lifecycle import make_due_moves
from thinktank.errors import ValidationFailed
from thinktank.forms import attach_error
from thinktank.inputs import without_control_characters
from thinktank.members import service
from thinktank.members.forms import EndInterestForm, InterestForm
from thinktank.pagination import paginate
from thinktank.permissions import permission_required
from thinktank.registry import put
from thinktank.text import slugify
from thinktank.transaction import transaction

bp = Blueprint("members", __name__)

#: Where a member's page gets their votes: voting sits above members, so ``thinktank.wiring``
#: hands its ``frozen_votes_by(viewer, member_id)`` in rather than this module importing it.
_votes_sources: dict[str, Callable[[Any, int], list[dict[str, Any]]]] = {}


def show_votes_with(source: Callable[[Any, int], list[dict[str, Any]]]) -> None:
    put(_votes_sources, "votes", source, "member votes")


def _votes_by(viewer, member_id: int) -> list[dict[str, Any]]:
    source = _votes_sources.get("votes")
    return source(viewer, member_id) if source else []


@bp.app_template_global("member_url")
def member_url(member_id: int, name: str | None = None, **kwargs) -> str:
    """A member's page: ``/members/<id>-<slug>`` (``/members/<id>`` resolves as well)."""
    return url_for("members.show", member_id=member_id, slug=slugify(name or "") or None, **kwargs)


@bp.get("/members/")
def index():
    query = without_control_characters(request.args.get("q", ""))[:100]
    page = paginate(service.register_query(query))
    return render_template(
        "members/list.html",
        page=page,
        query=query,
        interests=service.current_interests_of(user.id for user in page.items),
    )


@bp.get("/members/<int:member_id>")
@bp.get("/members/<int:member_id>-<slug>")
def show(member_id: int, slug: str | None = None):
    with transaction():  # the member's cases are shown with their state as it is now
        make_due_moves()
    member = service.member_for_page(member_id)
    current, past = service.declared_interests(member.id)
    return render_template(
        "members/show.html",
        member=member,
        current=current,
        past=past,
        cases=service.authored_cases(current_user, member.id),
        votes=_votes_by(current_user, member.id),
    )


@bp.route("/profile/interests", methods=["GET", "POST"])
@permission_required("declare_interests")
def interests():
    form = InterestForm()
    if form.validate_on_submit():
        try:
            with transaction():
                service.declare_interest(current_user, form.to_input())
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(
                _("Your interest has been declared. It is shown in the member register."), "success"
            )
            return redirect(url_for("members.interests"))
    return _render_interests(form)


def _render_interests(form, sent_end_form=None, interest_id: int | None = None):
    """The interests page; a form that failed shows its errors with what was typed."""
    current, past = service.declared_interests(current_user.id)
    end_forms = {i.id: EndInterestForm(formdata=None, prefix=f"end-{i.id}") for i in current}
    if sent_end_form is not None and interest_id in end_forms:
        end_forms[interest_id] = sent_end_form
    return render_template(
        "members/interests.html",
        form=form,
        current=current,
        past=past,
        end_forms=end_forms,
    ), (400 if form.errors or (sent_end_form and sent_end_form.errors) else 200)


@bp.post("/profile/interests/<int:interest_id>/end")
@permission_required("declare_interests")
def end_interest(interest_id: int):
    form = EndInterestForm(prefix=f"end-{interest_id}")
    if form.validate():
        try:
            with transaction():
                service.end_interest(current_user, interest_id, form.ends_on.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(
                _("The interest has been ended. It stays in the register as a past interest."),
                "success",
            )
            return redirect(url_for("members.interests"))
    return _render_interests(InterestForm(formdata=None), form, interest_id)
