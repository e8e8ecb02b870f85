"""Account pages: login, logout, registration, invitations, password reset, profile."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from thinktank.accounts import email_change, registration, service
from thinktank.accounts.forms import (
    AcceptInvitationForm,
    ChangeEmailForm,
    ChangePasswordForm,
    InviteForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    sector_value,
)
from thinktank.accounts.models import Invitation
from thinktank.errors import ValidationFailed
from thinktank.extensions import db, limiter
from thinktank.forms import Form, attach_error
from thinktank.pagination import paginate
from thinktank.permissions import permission_required
from thinktank.redirects import next_from_request
from thinktank.transaction import transaction

bp = Blueprint("accounts", __name__)


def _login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


def _attempt_key() -> str:
    if "login_attempt_key" not in g:
        g.login_attempt_key = service.login_attempt_key(request.form.get("email", ""))
    return g.login_attempt_key


def _account_key() -> str:
    return "login-account:" + _attempt_key()


def _account_and_address_key() -> str:
    # One address guessing at an account blocks only itself; the account's own ceiling is
    # higher, so a stranger cannot lock a member out from where the member logs in.
    return f"login-pair:{_attempt_key()}:{get_remote_address()}"


def _log_in(user, remember: bool = False) -> None:
    """Start a signed-in session with a new CSRF token: one planted before login is worthless."""
    field_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field_name, None)
    g.pop(field_name, None)
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_login_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_IP"],
    key_func=_account_and_address_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(next_from_request() or url_for("public.index"))
    form = LoginForm()
    if form.validate_on_submit():
        with transaction():  # the last login time; failed attempts are counted by the limiter
            user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            _log_in(user, remember=form.remember.data)
            flash(_("You are logged in. Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(next_from_request() or url_for("public.index"))
        g.login_failed = True
        form.form_errors.append(_("Wrong e-mail address or password."))
    return render_template("accounts/login.html", form=form, next=next_from_request())


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "POST":
        if current_user.is_authenticated:
            with transaction():
                service.end_all_sessions(current_user)
        logout_user()
        flash(_("You are logged out."), "success")
        return redirect(url_for("public.index"))
    return render_template("accounts/logout.html")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_IP"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            with transaction():
                registration.start_registration(
                    email=form.email.data,
                    display_name=form.display_name.data,
                    password=form.password.data,
                    organisation=form.organisation.data or "",
                    sector=sector_value(form),
                )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            # the same page whether or not the address has an account (the mail differs)
            return render_template("accounts/register_sent.html", email=form.email.data)
    return render_template("accounts/register.html", form=form)


@bp.route("/register/<token>", methods=["GET", "POST"])
def confirm_registration(token: str):
    if current_user.is_authenticated:
        return redirect(url_for("public.index"))
    email = registration.check_registration_token(token)
    # a button, not the GET itself, creates the account: mail scanners open links too
    form = Form()
    if form.validate_on_submit():
        with transaction():
            user = registration.confirm_registration(token)
        _log_in(user)
        flash(_("Your account has been created. Welcome!"), "success")
        return redirect(url_for("public.index"))
    return render_template("accounts/register_confirm.html", form=form, email=email)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = service.invitation_from_token(token)
    if current_user.is_authenticated:
        return render_template("accounts/invitation_logged_in.html", invitation=invitation)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            with transaction():
                user = service.accept_invitation(
                    token,
                    display_name=form.display_name.data,
                    organisation=form.organisation.data,
                    sector=sector_value(form),
                    password=form.password.data,
                )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            _log_in(user)
            flash(_("Welcome to the think tank, %(name)s.", name=user.display_name), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/invitation_accept.html", form=form, invitation=invitation)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_IP"], methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        with transaction():
            service.request_password_reset(form.email.data)
        flash(
            _(
                "If an account exists for %(email)s, we have sent it a link to choose a new "
                "password. Check your inbox.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    service.user_from_reset_token(token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            with transaction():
                user = service.reset_password(token, form.password.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            _log_in(user)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("public.index"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@permission_required("edit_profile")
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        with transaction():
            service.update_profile(
                current_user,
                display_name=form.display_name.data,
                organisation=form.organisation.data or "",
                sector=sector_value(form),
            )
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return _render_profile(profile_form=form)


@bp.post("/profile/password")
@permission_required("edit_profile")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with transaction():
                service.change_password(
                    current_user,
                    old_password=form.old_password.data,
                    new_password=form.new_password.data,
                )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            login_user(current_user._get_current_object())  # keep this session, others end
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
    return _render_profile(password_form=form)


@bp.post("/profile/logout-everywhere")
@permission_required("edit_profile")
def logout_everywhere():
    with transaction():
        service.end_all_sessions(current_user)
    logout_user()
    flash(_("You are logged out on all devices."), "success")
    return redirect(url_for("accounts.login"))


@bp.post("/profile/email")
@permission_required("edit_profile")
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            with transaction():
                email_change.request_email_change(
                    current_user, form.new_email.data, form.email_password.data
                )
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(
                _(
                    "We have sent a link to %(email)s. Your address changes when you open it.",
                    email=form.new_email.data,
                ),
                "info",
            )
            return redirect(url_for("accounts.profile"))
    return _render_profile(email_form=form)


@bp.route("/profile/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    _user, new_email = email_change.check_token(token)
    form = Form()  # a button, not the GET: mail scanners open links too
    if form.validate_on_submit():
        with transaction():
            email_change.confirm_email_change(token)
        flash(_("Your e-mail address is now %(email)s.", email=new_email), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/email_confirm.html", form=form, email=new_email)


def _render_profile(profile_form=None, password_form=None, email_form=None):
    return render_template(
        "accounts/profile.html",
        profile_form=profile_form or ProfileForm(obj=current_user, formdata=None),
        password_form=password_form or ChangePasswordForm(formdata=None),
        email_form=email_form or ChangeEmailForm(formdata=None),
    )


@bp.route("/invitations/", methods=["GET", "POST"])
@permission_required("invite")
def invitations():
    form = InviteForm(roles=service.invitable_roles(current_user))
    if form.validate_on_submit():
        try:
            with transaction():
                invitation = service.invite(current_user, form.email.data, form.role.data)
        except ValidationFailed as error:
            attach_error(form, error)
        else:
            flash(_("An invitation has been sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("accounts.invitations"))
    page = paginate(service.list_invitations())
    return render_template("accounts/invitations.html", form=form, page=page)


@bp.post("/invitations/<int:invitation_id>/revoke")
@permission_required("invite")
def revoke_invitation(invitation_id: int):
    invitation = db.get_or_404(Invitation, invitation_id)
    try:
        with transaction():
            service.revoke_invitation(current_user, invitation)
    except ValidationFailed as error:
        flash(error.message, "error")
    else:
        flash(_("The invitation to %(email)s was withdrawn.", email=invitation.email), "success")
    return redirect(url_for("accounts.invitations"))
