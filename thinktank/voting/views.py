"""Position, start-voting and ballot pages; the case page embeds the same forms."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from thinktank.cases import lifecycle
from thinktank.cases.service import visible_case
from thinktank.cases.views import case_url
from thinktank.cases.vocabulary import CaseState
from thinktank.concurrency import EditConflict
from thinktank.errors import InvalidTransition, ValidationFailed
from thinktank.forms import attach_error
from thinktank.i18n import percent_text
from thinktank.permissions import require
from thinktank.transaction import transaction
from thinktank.voting import ballots, page, service
from thinktank.voting.forms import BallotForm, PositionForm, RejectForm, StartVotingForm
from thinktank.voting.models import PositionStatus

bp = Blueprint("voting", __name__, url_prefix="/cases/<int:case_id>")


@bp.app_template_filter("percent")
def _percent(share: float | None) -> str:
    """0.4286 -> '42,9 %' in Danish, '42.9%' in English; 0.5 -> '50 %'."""
    return percent_text(share or 0)


def _back(case):
    return redirect(case_url(case, _anchor="voting"))


@bp.route("/positions/new", methods=["GET", "POST"])
def new_position(case_id: int):
    case = visible_case(current_user, case_id)
    require("propose_position", case)
    service.ensure_open_to_change(case)
    form = PositionForm(prefix="position")
    if form.validate_on_submit():
        try:
            with transaction():
                position = service.add_position(current_user, case, form.to_input())
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            if position.status == PositionStatus.APPROVED:
                flash(_("The position has been added."), "success")
            else:
                flash(_("Your proposal has been sent to the secretariat."), "success")
            return _back(case)
    status = 400 if form.errors else 200
    return render_template("voting/position_form.html", case=case, form=form), status


@bp.route("/positions/<int:position_id>/edit", methods=["GET", "POST"])
def edit_position(case_id: int, position_id: int):
    case = visible_case(current_user, case_id)
    require("manage_positions", case)
    service.ensure_open_to_change(case)
    position = service.position_of(case, position_id)
    form = PositionForm(prefix="position", obj=position if request.method == "GET" else None)
    conflict = None
    if form.validate_on_submit():
        try:
            with transaction():
                service.edit_position(
                    current_user, case, position.id, form.to_input(), form.expected_version()
                )
        except EditConflict as error:
            conflict = error
            form.opened_at(error.current_version)
        else:
            flash(_("The position has been saved."), "success")
            return _back(case)
    if form.edit_version.errors:
        form.opened_at(position.edit_version)
    return render_template(
        "voting/position_edit.html",
        case=case,
        position=position,
        form=form,
        reject_form=RejectForm(formdata=None, prefix="reject"),
        conflict=conflict,
    ), (409 if conflict else 400 if form.errors else 200)


@bp.post("/positions/<int:position_id>/approve")
def approve_position(case_id: int, position_id: int):
    case = visible_case(current_user, case_id)
    with transaction():
        service.approve_position(current_user, case, position_id)
    flash(_("The position has been approved."), "success")
    return _back(case)


@bp.post("/positions/<int:position_id>/reject")
def reject_position(case_id: int, position_id: int):
    case = visible_case(current_user, case_id)
    require("manage_positions", case)
    position = service.position_of(case, position_id)
    form = RejectForm(prefix="reject")
    if form.validate_on_submit():
        with transaction():
            service.reject_position(current_user, case, position.id, form.reason.data)
        flash(_("The proposal has been rejected."), "success")
        return _back(case)
    return render_template(
        "voting/position_edit.html",
        case=case,
        position=position,
        form=PositionForm(prefix="position", formdata=None, obj=position),
        reject_form=form,
    ), 400


@bp.route("/voting/start", methods=["GET", "POST"])
def start_voting(case_id: int):
    case = visible_case(current_user, case_id)
    require("manage_positions", case)
    form = StartVotingForm(prefix="start")
    if form.validate_on_submit():
        try:
            with transaction():
                service.start_voting(
                    current_user,
                    case,
                    closes_at=form.closes_at(),
                    open_results=form.open_results.data == "yes",
                    note=form.note.data or "",
                    min_turnout=form.min_turnout.data,
                )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Voting has started."), "success")
            return _back(case)
    positions = service.approved_positions(case.id)
    return render_template("voting/start.html", case=case, form=form, positions=positions), (
        400 if form.errors else 200
    )


@bp.route("/vote", methods=["GET", "POST"])
def vote(case_id: int):
    with transaction():
        lifecycle.make_due_moves(case_id)  # a vote past its closing time is closed, then shown
    case = visible_case(current_user, case_id)
    require("vote", case)
    if case.state != CaseState.VOTING:
        raise InvalidTransition(ballots.closed_message())
    positions = service.approved_positions(case.id)
    current = ballots.own_ballot(current_user, case.id)
    form = BallotForm.for_positions(positions, current, prefix="ballot")
    if form.validate_on_submit():
        choice, position_id = form.chosen()
        try:
            with transaction():
                ballots.cast_ballot(
                    current_user,
                    case.id,
                    choice,
                    position_id,
                    form.reason.data,
                    reason_confirmed=form.reason_confirmed.data,
                    conditional=form.conditional.data,
                    conditions=form.conditions.data or "",
                )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            # shown next to the ballot (see voting/_section.html), where the voter is
            flash(
                _("Your vote has been changed.") if current else _("Your vote has been cast."),
                "ballot",
            )
            return redirect(case_url(case, _anchor="ballot"))
    return render_template(
        "voting/vote.html", case=case, form=form, positions=positions, ballot=current
    ), (400 if form.errors else 200)


@bp.get("/results.json")
def results(case_id: int):
    with transaction():
        lifecycle.make_due_moves(case_id)
    return jsonify(page.results_document(current_user, case_id))
