"""Discussion pages: post and reply (plain form posts), edit, history, delete, remove, flag,
the moderation queue, and the case page's discussion section."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from thinktank.cases.chatham import hides_contributors
from thinktank.concurrency import EditConflict
from thinktank.discussion import service
from thinktank.discussion.forms import CommentForm, FlagForm, RemoveForm
from thinktank.errors import NotAllowed, ValidationFailed
from thinktank.forms import attach_error, preview_or_ready
from thinktank.pagination import paginate
from thinktank.permissions import can, permission_required, require
from thinktank.transaction import transaction

bp = Blueprint("discussion", __name__)


def case_discussion(case, user) -> dict:
    newest_first = request.args.get("order") == "newest"
    discussion = service.view(user, "case", case, newest_first)
    form = CommentForm(formdata=None).with_positions(discussion.positions)
    return {"discussion": discussion, "form": form}


def _preview(form: CommentForm):
    return service.preview(form.body.data)


def _post_comment(form: CommentForm, kind: str, subject_id: int, parent_id, message: str):
    """Post the form's comment; a redirect to it, or None with the error shown on the form."""
    stance, position_id = form.stance_and_position()
    try:
        with transaction():
            _comment, link = service.post(
                current_user,
                kind,
                subject_id,
                form.body.data,
                parent_id=parent_id,
                stance=stance,
                position_id=position_id,
            )
    except ValidationFailed as error:
        attach_error(form, error)
        return None
    flash(message, "success")
    return redirect(link)


@bp.post("/discussions/<kind>/<int:subject_id>/comments")
def post(kind: str, subject_id: int):
    described = service.subjects.get(kind)
    subject = described.load_visible(current_user, subject_id)
    refusal = described.why_not_post(current_user, subject)
    if refusal:
        raise refusal
    form = CommentForm().with_positions(dict(described.positions(subject)))
    preview, ready = preview_or_ready(form, _preview)
    if ready:
        posted = _post_comment(form, kind, subject_id, None, _("Your comment has been posted."))
        if posted:
            return posted
    # The preview, or what went wrong, on a page of its own with the text kept.
    return render_template(
        "discussion/write.html",
        form=form,
        action=request.path,
        parent=None,
        back=described.url(subject),
        title=_("Write a comment"),
        submit=_("Post comment"),
        preview=preview,
    ), 200 if preview else 400


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
def reply(comment_id: int):
    parent, described, subject = service.comment_in_context(current_user, comment_id)
    refusal = described.why_not_post(current_user, subject)
    if refusal:
        raise refusal
    if not can(current_user, "reply_to_comment", parent):
        raise NotAllowed(_("A removed comment cannot be answered."))
    form = CommentForm().with_positions(dict(described.positions(subject)))
    if request.method == "GET" and request.args.get("quote"):
        form.body.data = service.quote(parent, subject)
    preview, ready = preview_or_ready(form, _preview)
    if ready:
        posted = _post_comment(
            form, described.kind, subject.id, parent.id, _("Your reply has been posted.")
        )
        if posted:
            return posted
    return render_template(
        "discussion/write.html",
        form=form,
        action=request.path,
        parent=parent,
        back=service.permalink(described, subject, parent),
        title=_("Reply"),
        submit=_("Post reply"),
        preview=preview,
    )


def _comment_for(action: str, comment_id: int, with_subject: bool = False):
    """The comment if the user may read it and do ``action`` with it, and its permalink
    (and, ``with_subject``, what it is about)."""
    comment, described, subject = service.comment_in_context(current_user, comment_id)
    require(action, comment)
    link = service.permalink(described, subject, comment)
    return (comment, link, subject) if with_subject else (comment, link)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int):
    comment, back = _comment_for("edit_comment", comment_id)
    form = CommentForm(obj=comment if request.method == "GET" else None)
    del form.argument  # an argument's position is chosen when posting
    if request.method == "GET":
        form.opened_at(comment.revision_count)
    preview, ready = preview_or_ready(form, _preview)
    conflict, status = None, 200
    if ready:
        try:
            with transaction():
                _comment, link = service.edit(
                    current_user, comment.id, form.body.data, form.expected_version()
                )
        except EditConflict as error:
            conflict, status = error, 409
            form.opened_at(error.current_version)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(
                _("Your comment has been saved. The earlier text is kept in its history."),
                "success",
            )
            return redirect(link)
    if form.edit_version.errors:
        form.opened_at(comment.revision_count)
        status = 400
    return render_template(
        "discussion/write.html",
        form=form,
        action=request.path,
        parent=None,
        back=back,
        title=_("Edit your comment"),
        submit=_("Save"),
        preview=preview,
        conflict=conflict,
    ), status


@bp.get("/comments/<int:comment_id>")
def show(comment_id: int):
    """The permanent address of a comment: its place in the thread."""
    comment, described, subject = service.comment_in_context(current_user, comment_id)
    return redirect(service.permalink(described, subject, comment))


@bp.get("/comments/<int:comment_id>/thread")
def thread(comment_id: int):
    """A thread with all its replies (in pages), for one with more than the page shows."""
    shown = service.thread_view(current_user, comment_id)
    form = CommentForm(formdata=None).with_positions(shown.discussion.positions)
    return render_template(
        "discussion/thread.html",
        shown=shown,
        data={"discussion": shown.discussion, "form": form},
    )


@bp.get("/comments/<int:comment_id>/history")
def history(comment_id: int):
    comment, link, earlier = service.revisions(current_user, comment_id)
    return render_template("discussion/history.html", comment=comment, back=link, earlier=earlier)


@bp.route("/comments/<int:comment_id>/delete", methods=["GET", "POST"])
def delete(comment_id: int):
    comment, back = _comment_for("delete_comment", comment_id)
    if request.method == "POST":
        with transaction():
            link = service.delete_own(current_user, comment.id)
        flash(_("Your comment has been deleted. Its place in the thread is kept."), "success")
        return redirect(link)
    return render_template(
        "discussion/delete.html",
        comment=comment,
        back=back,
    )


@bp.route("/comments/<int:comment_id>/remove", methods=["GET", "POST"])
def remove(comment_id: int):
    comment, back = _comment_for("remove_comment", comment_id)
    form = RemoveForm()
    if form.validate_on_submit():
        with transaction():
            link = service.remove(current_user, comment.id, form.reason.data)
        flash(_("The comment has been removed."), "success")
        return redirect(url_for(".queue") if request.form.get("next") == "queue" else link)
    return render_template(
        "discussion/remove.html",
        comment=comment,
        form=form,
        back=back,
    )


@bp.route("/comments/<int:comment_id>/flag", methods=["GET", "POST"])
def flag(comment_id: int):
    comment, back, subject = _comment_for("flag_comment", comment_id, with_subject=True)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            with transaction():
                link = service.flag(current_user, comment.id, form.reason.data, form.note.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("Thank you. The secretariat will look at the comment."), "success")
            return redirect(link)
    return render_template(
        "discussion/flag.html",
        comment=comment,
        form=form,
        back=back,
        hide_names=hides_contributors(subject),
    )


@bp.get("/moderation/")
@permission_required("moderate")
def queue():
    page = paginate(service.flagged_comments())
    return render_template(
        "discussion/queue.html",
        page=page,
        items=service.queue_items(page.items),
        remove_form=RemoveForm(formdata=None),
    )


@bp.post("/moderation/comments/<int:comment_id>/dismiss")
@permission_required("moderate")
def dismiss(comment_id: int):
    with transaction():
        service.dismiss_flags(current_user, comment_id)
    flash(_("The flags were dismissed; the comment stays."), "success")
    return redirect(url_for(".queue"))
