"""The guidance portal and the secretariat's and members' work on recommendations."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from thinktank import lix
from thinktank.cases.chatham import hides_contributors
from thinktank.cases.lifecycle import make_due_moves
from thinktank.cases.models import Case
from thinktank.cases.service import visible_case
from thinktank.concurrency import EditConflict
from thinktank.discussion import service as discussion
from thinktank.discussion.forms import CommentForm
from thinktank.errors import ConfirmationRequired, InvalidTransition, NotFound, ValidationFailed
from thinktank.extensions import db
from thinktank.forms import attach_error, choices, preview_or_ready, wants_preview
from thinktank.inputs import int_arg
from thinktank.markup import render_markdown
from thinktank.models import utcnow
from thinktank.notifications import follows
from thinktank.pagination import paginate
from thinktank.permissions import can, permission_required, require
from thinktank.recommendations import (
    adoptions,
    citations,
    conditions,
    experience,
    following,
    portal,
    service,
)
from thinktank.recommendations.forms import (
    AdoptForm,
    ConditionGroupForm,
    DraftForm,
    OpinionForm,
    PublishForm,
    RespondForm,
    ReviewForm,
    SupersedeForm,
    WithdrawForm,
)
from thinktank.text import slugify
from thinktank.transaction import transaction
from thinktank.voting.page import frozen_result

bp = Blueprint("recommendations", __name__)


@bp.app_template_global("recommendation_url")
def recommendation_url(recommendation, number: int | None = None, **kwargs) -> str:
    if number is not None:
        return url_for(
            "recommendations.show_version",
            recommendation_id=recommendation.id,
            number=number,
            **kwargs,
        )
    return url_for(
        "recommendations.show",
        recommendation_id=recommendation.id,
        slug=slugify(recommendation.title),
        **kwargs,
    )


@bp.app_template_global("municipality_name")
def municipality_name(code: str) -> str:
    return adoptions.MUNICIPALITIES.get(code, code)


# --- the portal --------------------------------------------------------------------------


@bp.get("/recommendations/")
def index():
    with transaction():
        make_due_moves()  # as every list: nothing shown in a state it has already left
    filters = portal.read_filters(request.args)
    page = paginate(portal.portal(filters))
    return render_template(
        "recommendations/index.html",
        page=page,
        filters=filters,
        vocabularies=portal.FILTERS,
        adoption_counts=adoptions.counts([v.recommendation_id for v in page.items]),
        experience_count=portal.experience_count(filters),
    )


@bp.get("/recommendations/<int:recommendation_id>")
@bp.get("/recommendations/<int:recommendation_id>-<slug>")
def show(recommendation_id: int, slug: str | None = None):
    recommendation = service.visible(current_user, recommendation_id)
    if not recommendation.is_published:
        return redirect(url_for(".draft", recommendation_id=recommendation.id))
    return _render_version(recommendation_id, None)


@bp.get("/recommendations/<int:recommendation_id>/v<int:number>")
def show_version(recommendation_id: int, number: int):
    service.visible(current_user, recommendation_id)
    return _render_version(recommendation_id, number)


def _render_version(
    recommendation_id: int, number: int | None, adopt_form=None, status=200, anonymous=False
):
    """``anonymous``: a Chatham House case seen from outside the think tank (conditions and
    small sectors' counts shown without who)."""
    shown = portal.version(recommendation_id, number)
    if not shown.recommendation.is_published:
        return redirect(url_for(".draft", recommendation_id=recommendation_id))
    recommendation = shown.recommendation
    hidden = anonymous or hides_contributors(recommendation.case)
    versions = portal.versions(recommendation.id)
    permanent = recommendation_url(recommendation, shown.number, _external=True)
    adopted = adoptions.public(recommendation.id)
    reports = experience.for_page(current_user, recommendation.id)
    return render_template(
        "recommendations/show.html",
        version=shown,
        recommendation=recommendation,
        case=recommendation.case,
        case_public=recommendation.case.is_public,
        versions=versions,
        replaced_at=portal.replaced_at(versions, shown),
        print_view=request.args.get("print") == "1",
        supersedes=portal.supersedes(recommendation.id),
        adoptions=adopted,
        experience_reports=reports,
        reporting=experience.still_to_report(
            experience.reporting_municipalities(current_user, [row.adoption for row in adopted]),
            reports,
            recommendation.current_version,
        ),
        unverified_adoptions=adoptions.unverified_for(current_user, recommendation.id),
        adopt_form=adopt_form or AdoptForm(formdata=None),
        vote=frozen_result(recommendation.case, anonymous=hidden),
        hide_names=hidden,
        anonymous=hidden,
        is_latest=number is None or number == recommendation.current_version,
        citation_meta=citations.meta_tags(citations.reference(shown, permanent)),
        follow=following.follow_context(recommendation, current_user),
        easy_read_lix=lix.readability_of_html(shown.easy_read_html),
    ), status


@bp.get("/recommendations/<int:recommendation_id>/v<int:number>/letlaest")
def easy_read(recommendation_id: int, number: int):
    """A version's easy-read version on a page of its own, to print (no menus)."""
    service.visible(current_user, recommendation_id)
    shown = portal.version(recommendation_id, number)
    if not shown.recommendation.is_published or not shown.easy_read_html:
        raise NotFound()
    return render_template(
        "recommendations/easy_read.html",
        version=shown,
        recommendation=shown.recommendation,
        readability=lix.readability_of_html(shown.easy_read_html),
        print_view=True,
    )


@bp.get("/recommendations/<int:recommendation_id>/v<int:number>/cite.<fmt>")
def cite(recommendation_id: int, number: int, fmt: str):
    """A published version as a reference to import (BibTeX, RIS or CSL-JSON)."""
    if fmt not in citations.FORMATS:
        raise NotFound()
    service.visible(current_user, recommendation_id)
    shown = portal.version(recommendation_id, number)
    if not shown.recommendation.is_published:
        raise NotFound()
    write, mimetype = citations.FORMATS[fmt]
    permanent = recommendation_url(shown.recommendation, shown.number, _external=True)
    response = Response(write(citations.reference(shown, permanent)), mimetype=mimetype)
    name = f"taenketanken-{recommendation_id}-v{number}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/recommendations/<int:recommendation_id>/follow")
@permission_required("read_notifications")
def follow(recommendation_id: int):
    recommendation = service.visible(current_user, recommendation_id)
    if request.form.get("follow") != "0":  # anyone may stop following
        require("follow_recommendation", recommendation)
    with transaction():
        if request.form.get("follow") == "0":
            follows.unfollow(current_user, follows.RECOMMENDATION, recommendation.id)
            flash(_("You no longer follow this recommendation."), "success")
        else:
            follows.follow(current_user, follows.RECOMMENDATION, recommendation.id)
            flash(_("You now follow this recommendation."), "success")
    return redirect(recommendation_url(recommendation))


@bp.get("/recommendations/<int:recommendation_id>/diff")
def diff(recommendation_id: int):
    recommendation = service.visible(current_user, recommendation_id)
    newer = int_arg("to", recommendation.current_version)
    older = int_arg("from", newer - 1)
    return render_template(
        "recommendations/diff.html",
        recommendation=recommendation,
        change=portal.compare(recommendation.id, older, newer),
    )


@bp.post("/recommendations/<int:recommendation_id>/adopt")
def adopt(recommendation_id: int):
    recommendation = service.visible(current_user, recommendation_id)
    require("adopt_recommendation", recommendation)
    form = AdoptForm()
    if form.validate():
        try:
            with transaction():
                adoption = adoptions.adopt(
                    current_user, recommendation, form.municipality.data, form.note.data
                )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            if adoption.is_verified:
                message = _(
                    "Thank you. Your municipality is now shown as using the recommendation."
                )
            else:
                message = _(
                    "Thank you. The secretariat will confirm it before your municipality is "
                    "shown as using the recommendation."
                )
            flash(message, "success")
            return redirect(recommendation_url(recommendation) + "#adoptions")
    # the errors in the form, with what was typed, on the page itself
    return _render_version(recommendation.id, None, adopt_form=form, status=400)


@bp.get("/moderation/adoptions")
@permission_required("confirm_adoption")
def adoption_queue():
    return render_template(
        "recommendations/adoption_queue.html", page=paginate(adoptions.pending_queue())
    )


@bp.post("/moderation/adoptions/<int:adoption_id>")
@permission_required("confirm_adoption")
def decide_adoption(adoption_id: int):
    confirm = request.form.get("decision") == "confirm"
    try:
        with transaction():
            adoption = adoptions.decide(current_user, adoption_id, confirm=confirm)
    except InvalidTransition as error:  # decided by someone else a moment ago
        flash(error.message, "error")
        return redirect(url_for(".adoption_queue"))
    name = adoptions.MUNICIPALITIES[adoption.municipality]
    if confirm:
        flash(_("%(name)s is now shown as using the recommendation.", name=name), "success")
    else:
        flash(_("The adoption by %(name)s was rejected.", name=name), "success")
    return redirect(url_for(".adoption_queue"))


@bp.get("/feeds/recommendations.atom")
def feed():
    with transaction():
        make_due_moves()
    entries = portal.feed_entries()
    body = render_template("recommendations/feed.xml", entries=entries, now=utcnow())
    response = Response(body, mimetype="application/atom+xml")
    if entries:  # published versions never change: the newest is when the feed last did
        response.last_modified = entries[0].published_at
    return response


# --- drafting and review -----------------------------------------------------------------


@bp.get("/recommendations/drafts")
@permission_required("view_recommendation_draft")
def drafts():
    awaiting = (
        list(db.session.scalars(portal.awaiting_draft()))
        if can(current_user, "write_recommendation")
        else []
    )
    return render_template(
        "recommendations/drafts.html", page=paginate(portal.drafts()), awaiting=awaiting
    )


def _preview_body(form):
    return render_markdown(form.body.data)


def _form_page(form, case, recommendation, preview, **context):
    """The drafting form, with the LIX of what it holds (saved or just typed) by its fields."""
    return render_template(
        "recommendations/form.html",
        form=form,
        case=case,
        recommendation=recommendation,
        preview=preview,
        easy_read_html=render_markdown(form.easy_read.data) if preview is not None else "",
        readability={
            "summary": lix.readability(form.summary.data),
            "body": lix.readability(form.body.data),
            "easy_read": lix.readability(form.easy_read.data),
        },
        **context,
    )


@bp.route("/cases/<int:case_id>/recommendation", methods=["GET", "POST"])
@permission_required("write_recommendation")
def new(case_id: int):
    case = visible_case(current_user, case_id)
    form = DraftForm().with_comments(service.citable_comments(case.id))
    preview, ready = preview_or_ready(form, _preview_body)
    if ready:
        try:
            with transaction():
                recommendation = service.create(current_user, case.id, form.to_input())
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("The draft recommendation has been saved."), "success")
            return redirect(url_for(".draft", recommendation_id=recommendation.id))
    return _form_page(form, case, None, preview)


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
def edit(recommendation_id: int):
    recommendation = service.visible(current_user, recommendation_id)
    require("write_recommendation", recommendation)
    comments = service.citable_comments(recommendation.case_id)
    if request.method == "GET":
        form = DraftForm(obj=recommendation).with_comments(comments)
        form.citations.data = service.cited_ids(recommendation.id)
    else:
        form = DraftForm().with_comments(comments)
    preview, ready = preview_or_ready(form, _preview_body)
    conflict, status = None, 200
    if ready:
        try:
            with transaction():
                service.update(
                    current_user, recommendation, form.to_input(), form.expected_version()
                )
        except EditConflict as error:
            conflict, status = error, 409
            form.opened_at(error.current_version)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("The working copy has been saved."), "success")
            return redirect(url_for(".draft", recommendation_id=recommendation.id))
    if form.edit_version.errors:
        form.opened_at(recommendation.edit_version)
        status = 400
    case = db.session.get(Case, recommendation.case_id)
    return _form_page(form, case, recommendation, preview, conflict=conflict), status


@bp.get("/recommendations/<int:recommendation_id>/draft")
@permission_required("view_recommendation_draft")
def draft(recommendation_id: int):
    return _render_draft(service.visible(current_user, recommendation_id))


def _render_draft(recommendation, status_code: int = 200, opinion_preview=None, **bound_forms):
    """The working copy with its review; ``bound_forms`` replace the empty forms, so a form
    that failed shows its errors with what was typed (or its preview)."""
    status = service.review_status(current_user, recommendation)
    own = next((o for o in status.opinions if o.author_id == current_user.id), None)
    forms = {
        "respond_form": RespondForm(formdata=None, obj=status.mine),
        "opinion_form": OpinionForm(formdata=None, obj=own),
        "publish_form": PublishForm(formdata=None),
        "review_form": ReviewForm(formdata=None),
        "withdraw_form": WithdrawForm(formdata=None),
        "supersede_form": SupersedeForm(formdata=None),
    } | bound_forms
    titles = portal.published_titles(exclude=recommendation.id)
    forms["supersede_form"].by.choices = choices(
        [("", _("Choose a recommendation")), *titles] if titles else []
    )
    thread = discussion.view(current_user, "recommendation", recommendation)
    return render_template(
        "recommendations/draft.html",
        recommendation=recommendation,
        case=db.session.get(Case, recommendation.case_id),
        status=status,
        cited=service.cited_comments(recommendation.id),
        experience_reports=experience.all_for_review(recommendation.id),
        experience_cited=experience.cited_ids(recommendation.id),
        readability={
            "summary": lix.readability(recommendation.summary),
            "body": lix.readability_of_html(recommendation.body_html),
            "easy_read": lix.readability_of_html(recommendation.easy_read_html),
        },
        cited_groups=conditions.cited_condition_groups(recommendation),
        opinion_preview=opinion_preview,
        discussion_data={
            "discussion": thread,
            "form": CommentForm(formdata=None).with_positions({}),
        },
        **forms,
    ), status_code


def _submit(recommendation_id: int, form_name: str | None, form, action, message: str):
    """Validate ``form`` and run ``action``; on an error the draft page shows it in the form
    (with what was typed) or, for actions without a form, as a message."""
    require("view_recommendation_draft")  # every action here is for members and up
    recommendation = service.visible(current_user, recommendation_id)
    if form is None or form.validate():
        try:
            with transaction():
                result = action(recommendation)
        except ValidationFailed as error:
            if form is None:
                flash(error.message, "error")
                return redirect(url_for(".draft", recommendation_id=recommendation.id))
            attach_error(form, error)
        else:
            flash(message(result) if callable(message) else message, "success")
            if form_name == "publish_form":
                return redirect(recommendation_url(recommendation))
            return redirect(url_for(".draft", recommendation_id=recommendation.id))
    return _render_draft(recommendation, 400, **{form_name: form})


@bp.post("/recommendations/<int:recommendation_id>/review")
def send_to_review(recommendation_id: int):
    form = ReviewForm()
    return _submit(
        recommendation_id,
        "review_form",
        form,
        lambda r: service.send_to_review(current_user, r, deadline=form.deadline.data),
        _("The draft has been sent to member review."),
    )


@bp.post("/recommendations/<int:recommendation_id>/respond")
def respond(recommendation_id: int):
    form = RespondForm()
    return _submit(
        recommendation_id,
        "respond_form",
        form,
        lambda r: service.respond(current_user, r, form.response.data, form.reason.data),
        _("Your answer has been recorded."),
    )


@bp.post("/recommendations/<int:recommendation_id>/opinion")
def opinion(recommendation_id: int):
    form = OpinionForm()
    if wants_preview():
        recommendation = service.visible(current_user, recommendation_id)
        require("review_recommendation", recommendation)
        form.validate()
        return _render_draft(recommendation, opinion_preview=_preview_body(form), opinion_form=form)
    return _submit(
        recommendation_id,
        "opinion_form",
        form,
        lambda r: service.write_opinion(current_user, r, form.body.data),
        _("Your minority opinion has been saved. It will be published with the recommendation."),
    )


@bp.post("/recommendations/opinions/<int:opinion_id>/cosign")
def cosign(opinion_id: int):
    return _submit(
        service.opinion_recommendation_id(opinion_id),
        None,
        None,
        lambda _r: service.cosign(current_user, opinion_id),
        _("You have co-signed the minority opinion."),
    )


@bp.post("/recommendations/<int:recommendation_id>/publish")
def publish(recommendation_id: int):
    """Publish; early or over objections, a second page asks for the reason first."""
    require("view_recommendation_draft")
    recommendation = service.visible(current_user, recommendation_id)
    require("write_recommendation", recommendation)
    form = PublishForm()
    confirming = "reason" in request.form  # sent from the confirmation page
    if not form.validate():
        if confirming:
            return _confirm_publish(recommendation, form, 400)
        return _render_draft(recommendation, 400, publish_form=form)
    try:
        with transaction():
            version = service.publish(
                current_user, recommendation, form.change_note.data, reason=form.reason.data
            )
    except ConfirmationRequired as error:
        if confirming:
            attach_error(form, error)
        return _confirm_publish(recommendation, form, 400 if confirming else 200, error.concerns)
    except ValidationFailed as error:
        attach_error(form, error)
        if confirming:
            return _confirm_publish(recommendation, form, 400)
        return _render_draft(recommendation, 400, publish_form=form)
    flash(_("Version %(n)d has been published.", n=version.number), "success")
    return redirect(recommendation_url(recommendation))


def _confirm_publish(recommendation, form: PublishForm, status_code: int, concerns=None):
    """The second page of an early or contested publication: why, and the reason's field."""
    form.reason.flags.required = True
    return render_template(
        "recommendations/confirm_publish.html",
        recommendation=recommendation,
        form=form,
        concerns=service.publish_concerns(recommendation) if concerns is None else concerns,
    ), status_code


@bp.post("/recommendations/<int:recommendation_id>/withdraw")
def withdraw(recommendation_id: int):
    form = WithdrawForm()
    return _submit(
        recommendation_id,
        "withdraw_form",
        form,
        lambda r: service.withdraw(current_user, r, form.reason.data),
        _("The recommendation has been withdrawn."),
    )


@bp.post("/recommendations/<int:recommendation_id>/supersede")
def supersede(recommendation_id: int):
    form = SupersedeForm()
    return _submit(
        recommendation_id,
        "supersede_form",
        form,
        lambda r: service.supersede(current_user, r, form.by.data),
        _("The recommendation is now marked as superseded."),
    )


# --- grouping the vote's conditions (the secretariat, while drafting) --------------------


def _render_conditions(recommendation, form=None, status_code: int = 200):
    found = conditions.frozen_conditions(recommendation.case_id)
    groups, ungrouped = conditions.groups(recommendation, found)
    form = form or ConditionGroupForm(formdata=None)
    return render_template(
        "recommendations/conditions.html",
        recommendation=recommendation,
        groups=groups,
        ungrouped=ungrouped,
        any_conditions=bool(found),
        form=form.with_conditions(ungrouped),
    ), status_code


# One rule for both methods: with a GET rule and a POST rule on the same path, werkzeug
# answers a POST whose number is out of range with 405 instead of 404.
@bp.route("/recommendations/<int:recommendation_id>/conditions", methods=["GET", "POST"])
def condition_groups(recommendation_id: int):
    recommendation = service.visible(current_user, recommendation_id)
    require("group_conditions", recommendation)
    if request.method == "GET":
        return _render_conditions(recommendation)
    form = ConditionGroupForm()
    if form.validate():
        try:
            with transaction():
                conditions.create_group(
                    current_user, recommendation, form.title.data, form.conditions.data or []
                )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("The conditions have been grouped."), "success")
            return redirect(url_for(".condition_groups", recommendation_id=recommendation.id))
    return _render_conditions(recommendation, form, 400)


@bp.post("/recommendations/<int:recommendation_id>/conditions/<int:group_id>/cite")
def cite_condition_group(recommendation_id: int, group_id: int):
    recommendation = service.visible(current_user, recommendation_id)
    cited = request.form.get("cited") == "1"
    with transaction():
        conditions.cite_group(current_user, recommendation, group_id, cited)
    flash(
        _("The group is cited in the recommendation.")
        if cited
        else _("The group is no longer cited."),
        "success",
    )
    return redirect(url_for(".condition_groups", recommendation_id=recommendation.id))


@bp.post("/recommendations/<int:recommendation_id>/conditions/<int:group_id>/dissolve")
def dissolve_condition_group(recommendation_id: int, group_id: int):
    recommendation = service.visible(current_user, recommendation_id)
    with transaction():
        conditions.dissolve_group(current_user, recommendation, group_id)
    flash(_("The group has been dissolved."), "success")
    return redirect(url_for(".condition_groups", recommendation_id=recommendation.id))
