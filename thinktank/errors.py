"""Domain errors raised by services, and the handlers that turn them into pages."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, SecurityError

log = logging.getLogger(__name__)

#: Seconds a client is asked to wait before retrying while the database is unreachable.
DATABASE_RETRY_AFTER = 30

#: The database cannot be reached (refused, lost, locked, timed out, the pool exhausted):
#: a passing outage, answered with 503, not a bug.
DATABASE_UNAVAILABLE = (OperationalError, PoolTimeoutError)


class DomainError(Exception):
    """A rule of the domain said no. ``message`` is shown to the user."""

    status = 400

    def __init__(self, message: str | None = None):
        super().__init__(message)
        self.message = message or str(self.default_message)

    default_message = _l("The request could not be carried out.")


class NotAllowed(DomainError):
    status = 403
    default_message = _l("You do not have permission to do this.")


class NotFound(DomainError):
    status = 404
    default_message = _l("The page does not exist, or you cannot see it.")


class LoginRequired(NotAllowed):
    """Raised for anonymous users; answered with a redirect to the login page."""


class InvalidTransition(DomainError):
    status = 409
    default_message = _l("This action is not possible in the current state.")


class ValidationFailed(DomainError):
    """Input broke a rule; ``field`` names the form field the message belongs to, if any."""

    status = 400

    def __init__(self, message: str | None = None, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Concern:
    """Why a step needs a reason: ``message`` for the confirmation page, ``data`` (plain
    values) for the log entry of the step."""

    message: str
    data: dict = field(default_factory=dict)


class ConfirmationRequired(ValidationFailed):
    """The step is allowed, but only with a reason (e.g. publishing before the review
    deadline); ``concerns`` say why, so the confirmation page can tell the user."""

    status = 409
    default_message = _l("Give a reason for going ahead.")

    def __init__(self, concerns, message: str | None = None, field: str = "reason"):
        super().__init__(message, field)
        self.concerns = list(concerns)


ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Not possible right now"),
    413: _l("Too much data"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Tænketanken is temporarily unavailable"),
}

ERROR_MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You do not have permission to see this page or do this."),
    404: _l("The page does not exist, or you cannot see it."),
    405: _l("This address cannot be used in that way."),
    409: _l("This action is not possible in the current state."),
    413: _l("The request contained too much data."),
    429: _l("You have tried too many times. Please wait a little and try again."),
    500: _l("An unexpected error occurred. It has been logged; please try again later."),
    503: _l("The service is temporarily unavailable. Please try again in a little while."),
}


#: Errors on the API's paths are problem details (RFC 9457), as its OpenAPI document says.
PROBLEM_JSON = "application/problem+json"


def is_api_request() -> bool:
    return request.path.startswith("/api/v")


def problem_response(status: int, detail: str, errors: dict | None = None, headers=None):
    """An error of the API as RFC 9457 problem details."""
    body = {
        "type": "about:blank",
        "title": str(ERROR_TITLES.get(status, ERROR_TITLES[400])),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = current_app.json.response(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    response.headers.extend(headers or [])
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


def error_response(status: int, message: str | None = None, errors: dict | None = None):
    message = message or str(ERROR_MESSAGES.get(status, ERROR_MESSAGES[400]))
    if is_api_request():
        return problem_response(status, message, errors), status
    if _wants_json():
        return jsonify(error={"status": status, "message": message}), status
    title = ERROR_TITLES.get(status, ERROR_TITLES[400])
    return render_template(
        "errors/error.html", status=status, title=title, message=message, back=_back_url()
    ), status


def _back_url() -> str | None:
    """The page the user came from, when it is on this site (for a 'go back' link)."""
    from urllib.parse import urlsplit

    from thinktank.redirects import safe_next

    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or referrer.path == request.path:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def database_unavailable_response(error: Exception):
    """503 with Retry-After and a calm page that needs neither the database nor the user."""
    log.error("database unreachable, answered 503: %s", getattr(error, "orig", None) or error)
    from thinktank.extensions import login_manager

    # Without the database the logged-in user cannot be loaded: from here on this request is
    # anonymous, so nothing later (locale, headers) tries to load them again.
    login_manager._update_request_context_with_user()
    headers = {"Retry-After": str(DATABASE_RETRY_AFTER)}
    message = str(ERROR_MESSAGES[503])
    if is_api_request():
        return problem_response(503, message, headers=headers.items())
    if _wants_json():
        return jsonify(error={"status": 503, "message": message}), 503, headers
    # Straight from the Jinja environment: context processors (the unread count) need the DB.
    page = current_app.jinja_env.get_template("errors/unavailable.html")
    return page.render(locale=str(get_locale()), retry_url=_retry_url()), 503, headers


def _retry_url() -> str:
    """This page again for a GET; for a form post, the page the form was on."""
    from urllib.parse import urlsplit

    from thinktank.redirects import safe_next

    if request.method in ("GET", "HEAD"):
        target = request.full_path.rstrip("?")
    else:
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc == request.host
        target = (
            referrer.path + (f"?{referrer.query}" if referrer.query else "") if same_site else ""
        )
    return safe_next(target) or url_for("public.index")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if isinstance(error, LoginRequired):
            from thinktank.extensions import login_manager

            return login_manager.unauthorized()
        return error_response(error.status, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        return error_response(
            400,
            str(
                _l(
                    "The form had expired or was not sent from this site, so nothing was saved. "
                    "Go back, reload the page and try again."
                )
            ),
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(_error: SecurityError):
        # The Host is not BASE_URL's (TRUSTED_HOSTS): no link can be built for this request,
        # so the answer is plain text rather than the error page with its navigation.
        message = _l("This site is not served at this address.")
        return Response(str(message), status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        detail = getattr(error, "detail", None)
        body, status = error_response(error.code or 500, detail, getattr(error, "errors", None))
        # keep headers such as Allow (405) that the exception carries
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return body, status, headers

    for unavailable in DATABASE_UNAVAILABLE:
        app.register_error_handler(unavailable, database_unavailable_response)

    @app.errorhandler(500)
    def internal_error(error):
        # an unreachable database outside a view (a request hook) ends here, not in the above
        if isinstance(getattr(error, "original_exception", None), DATABASE_UNAVAILABLE):
            return database_unavailable_response(error.original_exception)
        return error_response(500)
