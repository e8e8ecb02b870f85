"""Case pages: list with filters, the form (create, edit, preview), the case, its history."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from thinktank.cases import chatham, lifecycle, sections, service
from thinktank.cases.forms import CaseForm, TransitionForm
from thinktank.cases.models import MARKDOWN_FIELDS, Case
from thinktank.cases.vocabulary import AlgorithmRole, CaseState, Domain, TechnologyKind
from thinktank.concurrency import EditConflict
from thinktank.errors import ConfirmationRequired, LoginRequired, NotAllowed, ValidationFailed
from thinktank.forms import attach_error, preview_or_ready
from thinktank.markup import render_markdown
from thinktank.notifications import follows
from thinktank.pagination import paginate
from thinktank.permissions import permission_required, require
from thinktank.transaction import transaction

bp = Blueprint("cases", __name__, url_prefix="/cases")


def case_url(case, **kwargs) -> str:
    """The canonical address of a case: id and readable slug."""
    return url_for("cases.show", case_id=case.id, slug=case.slug, **kwargs)


@bp.app_template_global("case_url")
def _case_url(case, **kwargs) -> str:
    return case_url(case, **kwargs)


@bp.app_template_filter("personal_data_label")
def _personal_data_label(value: str) -> str:
    return service.display_value("personal_data", [value])


@bp.get("/")
def index():
    with transaction():
        lifecycle.make_due_moves()  # a list shows each case's state as it is now
    filters = service.CaseFilters.from_args(request.args)
    return render_template(
        "cases/list.html",
        page=paginate(service.list_cases(current_user, filters)),
        filters=filters,
        counts=service.facet_counts(current_user, filters),
        vocabularies={
            "state": CaseState,
            "domain": Domain,
            "technology": TechnologyKind,
            "role": AlgorithmRole,
        },
    )


def _preview_or_ready(form: CaseForm) -> tuple[dict[str, str] | None, bool]:
    """(preview, ready to save): the "preview" button renders the Markdown and saves nothing."""
    return preview_or_ready(
        form, lambda form: {name: render_markdown(form[name].data) for name in MARKDOWN_FIELDS}
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required("create_case")
def new():
    form = CaseForm()
    preview, ready = _preview_or_ready(form)
    if ready:
        with transaction():
            case = service.create_case(current_user, form.to_input())
        flash(_("Your draft has been saved. Only you and the secretariat can see it."), "success")
        return redirect(case_url(case))
    return render_template("cases/form.html", form=form, case=None, preview=preview)


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
def edit(case_id: int):
    case = service.case_for_edit(current_user, case_id)
    form = CaseForm() if request.method == "POST" else CaseForm.for_case(case)
    preview, ready = _preview_or_ready(form)
    conflict, status = None, 200
    if ready:
        try:
            with transaction():
                saved = service.update_case(
                    current_user, case, form.to_input(), form.expected_version()
                )
        except EditConflict as error:
            conflict, status = error, 409
            form.opened_at(error.current_version)
        except ValidationFailed as error:
            attach_error(form, error)
            status = 400
        else:
            if saved:
                flash(
                    _("The case has been saved. The earlier version is kept in its history."),
                    "success",
                )
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(case_url(case))
    if form.edit_version.errors:
        form.opened_at(case.revision_count)
        status = 400
    return render_template(
        "cases/form.html",
        form=form,
        case=case,
        preview=preview,
        conflict=conflict,
        chatham_locked=service.chatham_locked(case),
    ), status


@bp.get("/<int:case_id>")
@bp.get("/<int:case_id>-<slug>")
def show(case_id: int, slug: str | None = None):
    with transaction():
        lifecycle.make_due_moves(case_id)  # never show a state the case has already left
    case = service.case_for_page(current_user, case_id)
    page = sections.for_case(case, current_user)
    return render_template(
        "cases/show.html",
        case=case,
        page=page,
        moves=lifecycle.available_moves(current_user, case),
        transition_form=TransitionForm(formdata=None),
        timeline=sections.timeline(
            case.transitions,
            page.timeline,
            service.timeline_text,
            name=lambda user: chatham.contributor(user, case),
        ),
    )


@bp.post("/<int:case_id>/follow")
@permission_required("read_notifications")
def follow(case_id: int):
    case = service.visible_case(current_user, case_id)
    if request.form.get("follow") != "0":  # anyone may stop following
        require("follow_case", case)
    with transaction():
        if request.form.get("follow") == "0":
            follows.unfollow(current_user, follows.CASE, case.id)
            flash(_("You no longer follow this case."), "success")
        else:
            follows.follow(current_user, follows.CASE, case.id)
            flash(_("You now follow this case."), "success")
    return redirect(case_url(case))


@bp.post("/<int:case_id>/chatham-house")
def chatham_house(case_id: int):
    """Turn the Chatham House rule on (it is never turned off once the case is open)."""
    case = service.visible_case(current_user, case_id, options=[selectinload(Case.tags)])
    with transaction():
        if service.turn_on_chatham_house(current_user, case):
            flash(
                _(
                    "The Chatham House rule is on: outside the think tank, contributions now show only their sector."
                ),
                "success",
            )
    return redirect(case_url(case))


@bp.get("/<int:case_id>/history")
def history(case_id: int):
    case, revisions = service.history(current_user, case_id)
    return render_template(
        "cases/history.html", case=case, changes=service.revision_changes(revisions)
    )


@bp.post("/<int:case_id>/transition")
def transition(case_id: int):
    case = service.visible_case(current_user, case_id)
    form = TransitionForm()
    move = request.form.get("move", "")
    confirming = "reason" in request.form  # sent from the confirmation page
    if not form.validate():
        if confirming:
            return _confirm(case, move, form, lifecycle.concerns(case, move), 400)
        flash(" ".join(form.note.errors), "error")
        return redirect(case_url(case))
    try:
        with transaction():
            step = lifecycle.transition(
                current_user, case, move, form.note.data or "", reason=form.reason.data or ""
            )
    except ConfirmationRequired as error:
        if not confirming:  # the first time: the confirmation page, with the note as reason
            form.reason.data = form.note.data
            return _confirm(case, move, form, error.concerns, 200)
        attach_error(form, error)
        return _confirm(case, move, form, error.concerns, 400)
    flash(_("Done: %(step)s.", step=service.timeline_text(step)), "success")
    return redirect(case_url(case))


def _confirm(case, move_name: str, form: TransitionForm, concerns, status: int):
    """The second page of a step that needs a reason: why, and the reason's field."""
    move = lifecycle.MOVES.get(move_name)
    if not current_user.is_authenticated:
        raise LoginRequired()
    if move is None or not lifecycle.may_make(current_user, case, move):
        raise NotAllowed()
    form.reason.flags.required = True
    return render_template(
        "cases/confirm.html", case=case, move=move, form=form, concerns=concerns
    ), status
