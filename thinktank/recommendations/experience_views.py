"""Experience from practice: a municipality reports how a recommendation worked for it;
users flag reports, the secretariat removes them and cites them in the next version."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from thinktank.errors import LoginRequired, NotAllowed, ValidationFailed
from thinktank.forms import attach_error
from thinktank.pagination import paginate
from thinktank.permissions import permission_required, require
from thinktank.recommendations import experience, service
from thinktank.recommendations.forms import (
    ExperienceFlagForm,
    ExperienceForm,
    ExperienceRemoveForm,
)
from thinktank.recommendations.views import recommendation_url
from thinktank.transaction import transaction

bp = Blueprint("experience", __name__)


def _page_of(report) -> str:
    recommendation = service.visible(current_user, report.recommendation_id)
    return recommendation_url(recommendation) + f"#experience-{report.id}"


@bp.route("/recommendations/<int:recommendation_id>/experience", methods=["GET", "POST"])
def report(recommendation_id: int):
    """The report form, for the adopting municipalities the user belongs to."""
    recommendation = service.visible(current_user, recommendation_id)
    codes = experience.reporting_municipalities(
        current_user, experience.verified_adoptions(recommendation.id)
    )
    if not codes:
        if not current_user.is_authenticated:
            raise LoginRequired()
        raise NotAllowed(_("Only a municipality that uses the recommendation can report on it."))
    chosen = request.values.get("municipality")
    if request.method == "GET":
        own = experience.editable_report(
            current_user, recommendation, [chosen] if chosen in codes else codes
        )
        if own is not None:  # the municipality has reported: its author edits the report
            return redirect(url_for(".edit", report_id=own.id))
    form = ExperienceForm().for_municipalities(codes)
    if request.method == "GET" and chosen in codes:
        form.municipality.data = chosen
    if form.validate_on_submit():
        try:
            with transaction():
                written = experience.write(
                    current_user, recommendation, form.municipality.data, form.to_input()
                )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Thank you. Your municipality's experience has been saved."), "success")
            return redirect(recommendation_url(recommendation) + f"#experience-{written.id}")
    return render_template(
        "recommendations/experience_form.html",
        form=form,
        recommendation=recommendation,
        report=None,
    ), 400 if form.errors else 200


@bp.route("/experience/<int:report_id>/edit", methods=["GET", "POST"])
def edit(report_id: int):
    found = experience.get(report_id)
    recommendation = service.visible(current_user, found.recommendation_id)
    require("edit_experience_report", found)
    form = ExperienceForm(obj=found if request.method == "GET" else None)
    form.for_municipalities([found.municipality])
    form.municipality.data = found.municipality  # fixed: the report is the municipality's
    if request.method == "GET":
        form.recommends.data = found.recommends.value
        form.visibility.data = found.visibility.value
    if form.validate_on_submit():
        try:
            with transaction():
                experience.edit(current_user, found, form.to_input())
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Your changes to the report have been saved."), "success")
            return redirect(recommendation_url(recommendation) + f"#experience-{found.id}")
    return render_template(
        "recommendations/experience_form.html",
        form=form,
        recommendation=recommendation,
        report=found,
    ), 400 if form.errors else 200


@bp.route("/experience/<int:report_id>/flag", methods=["GET", "POST"])
def flag(report_id: int):
    found = experience.get(report_id)
    back = _page_of(found)
    require("flag_experience_report", found)
    if found.visibility.value == "internal":
        require("view_internal_experience")
    form = ExperienceFlagForm()
    if form.validate_on_submit():
        try:
            with transaction():
                experience.flag(current_user, found.id, form.reason.data, form.note.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Thank you. The secretariat will look at the report."), "success")
            return redirect(back)
    return render_template(
        "recommendations/experience_flag.html", form=form, report=found, back=back
    ), 400 if form.errors else 200


@bp.route("/experience/<int:report_id>/remove", methods=["GET", "POST"])
def remove(report_id: int):
    found = experience.get(report_id)
    back = _page_of(found)
    require("remove_experience_report", found)
    form = ExperienceRemoveForm()
    if form.validate_on_submit():
        with transaction():
            experience.remove(current_user, found.id, form.reason.data)
        flash(_("The report has been removed."), "success")
        return redirect(url_for(".queue") if request.form.get("next") == "queue" else back)
    return render_template(
        "recommendations/experience_remove.html", form=form, report=found, back=back
    ), 400 if form.errors else 200


@bp.get("/moderation/experience")
@permission_required("moderate")
def queue():
    page = paginate(experience.flagged_queue())
    return render_template(
        "recommendations/experience_queue.html",
        page=page,
        items=experience.queue_items(page.items),
    )


@bp.post("/moderation/experience/<int:report_id>/dismiss")
@permission_required("moderate")
def dismiss(report_id: int):
    with transaction():
        experience.dismiss_flags(current_user, report_id)
    flash(_("The report stays; its flags are dismissed."), "success")
    return redirect(url_for(".queue"))


@bp.post("/recommendations/<int:recommendation_id>/experience/<int:report_id>/cite")
def cite(recommendation_id: int, report_id: int):
    """Cite a report in the working copy, or stop citing it (from the draft page)."""
    recommendation = service.visible(current_user, recommendation_id)
    require("write_recommendation", recommendation)
    cited = request.form.get("cite") != "0"
    try:
        with transaction():
            experience.set_cited(current_user, recommendation, report_id, cited=cited)
    except ValidationFailed as error:
        flash(error.message, "error")
    else:
        flash(
            _("The report will be cited in the next version.")
            if cited
            else _("The report is no longer cited."),
            "success",
        )
    return redirect(
        url_for("recommendations.draft", recommendation_id=recommendation.id) + "#experience"
    )
