"""Error pages and JSON errors: a clear message in the user's language, never a stack trace.

The API (`/api/`) answers every error, a DomainError too, as `application/problem+json` (see
`api/problems.py`)."""

from __future__ import annotations

import logging
import uuid

from flask import flash, g, jsonify, make_response, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import OperationalError as SAOperationalError
from werkzeug.exceptions import HTTPException

from .api.problems import is_api_request, problem
from .domain import DomainError
from .extensions import db, login_manager

try:
    from psycopg import OperationalError as PGOperationalError
except ImportError:  # a SQLite-only installation
    PGOperationalError = SAOperationalError

log = logging.getLogger("matchmaker.errors")


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Please check your input."),
        401: _("Please log in."),
        403: _("You are not allowed to open this page."),
        404: _("This page does not exist or is not visible to you."),
        405: _("This action is not possible here."),
        409: _("This action is not possible in the current state."),
        410: _("This page has been taken offline."),
        413: _("The upload is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. We have logged it."),
        503: _("The service is briefly unavailable. Please try again in a moment."),
    }


def wants_json() -> bool:
    """The client asked for JSON (the API, or an Accept header that prefers it)."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(code: int, message: str | None = None, error_id: str | None = None):
    """The error page, or a JSON error when the client asked for JSON; the status is `code`."""
    text = message or _messages().get(code, _messages()[500 if code >= 500 else 400])
    if is_api_request():
        return problem(code, text, error_id=error_id)
    if wants_json():
        body = {"error": text}
        if error_id:
            body["error_id"] = error_id
        return jsonify(body), code
    return render_template("errors/error.html", code=code, message=text, error_id=error_id), code


def error_text(error: DomainError) -> str:
    """The error's message in the current language.

    Plain text is English marked for the catalogue where it was raised, and is looked up here; a lazy
    string is already translated.
    """
    message = error.message
    return _(message) if isinstance(message, str) else str(message)


def on_domain_error(render, flash_message: bool = True) -> None:
    """Name the page this request answers a DomainError with (HTML only), instead of the error page.

    `render(error, text)` returns the page; the status is the error's. With `flash_message` the text is
    flashed first, so a page that shows flashes shows it.
    """
    g.domain_error_page = (render, flash_message)


def redirect_on_domain_error(url) -> None:
    """Answer a DomainError of this POST with the reason flashed and a redirect to `url` (a page to GET;
    or a function of the error that gives it), so that the address bar never stays on the POST's URL
    and a reload does not post again. A NotAllowed still answers its 403 error page."""
    g.domain_error_page = ("redirect", url)


def _domain_error(error: DomainError):
    # Nothing of the refused step may be kept, and the page is made from the state before it.
    db.session.rollback()
    text = error_text(error)
    if is_api_request():
        return problem(error.status, text)
    if wants_json():
        return jsonify(error=text), error.status
    page = g.pop("domain_error_page", None)
    if page is None:
        return error_response(error.status, text)
    render, flash_message = page
    if render == "redirect" and error.status == 403:
        # Not allowed is no state of the object to show again: the error page says so, with its 403.
        return error_response(error.status, text)
    if render == "redirect":
        flash(text, "error")
        return redirect(flash_message(error) if callable(flash_message) else flash_message, 303)
    if flash_message:
        flash(text, "error")
    return render(error, text), error.status


def is_database_outage(error: BaseException) -> bool:
    """The database cannot answer (down, restarting, connection lost, locked, disk full): not a bug here."""
    if isinstance(error, (SAOperationalError, PGOperationalError)):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _database_unavailable(error: BaseException):
    error_id = uuid.uuid4().hex[:12]
    # One line per failed request: an outage would otherwise fill the log with identical tracebacks.
    first_line = str(getattr(error, "orig", None) or error).strip().splitlines()[:1]
    log.error("error id %s on %s %s: database unavailable: %s: %s", error_id, request.method, request.path,
              type(error).__name__, first_line[0] if first_line else "")
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone; the page must still render
        log.warning("rollback failed for error id %s", error_id)
    # The page must not ask the database again: rendered as for a visitor, the nav needs no user row.
    g._login_user = login_manager.anonymous_user()
    # And in a visitor's language (session, then browser), chosen afresh: a language chosen earlier in the
    # request came from the account, and would make the page's language depend on how far the request got.
    refresh_locale()
    response = make_response(error_response(503, error_id=error_id))
    response.headers["Retry-After"] = "5"
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app) -> None:
    @app.teardown_appcontext
    def close_session_after_outage(_error):
        # Runs before Flask-SQLAlchemy's own teardown. A connection the database dropped after the page
        # was made (a restart) fails the final ROLLBACK; that must not turn a finished page into a 500.
        try:
            db.session.remove()
        except DBAPIError as error:
            log.warning("database connection lost while closing the session: %s", type(error.orig).__name__)
            try:
                db.session.invalidate()
                db.session.remove()
            except Exception:  # nothing more to release
                db.session.registry.clear()

    app.register_error_handler(DomainError, _domain_error)

    @app.before_request
    def forget_domain_error_page():
        # `g` lives as long as the app context, which a test or a command may share between requests.
        g.pop("domain_error_page", None)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(400, _("The form has expired. Please reload the page and submit it again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        # Flask wraps an exception from an after_request function in a 500 that lands here.
        original = getattr(error, "original_exception", None)
        if original is not None and is_database_outage(original):
            return _database_unavailable(original)
        return error_response(error.code)

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        if is_database_outage(error):
            return _database_unavailable(error)
        error_id = uuid.uuid4().hex[:12]
        log.exception("error id %s on %s %s", error_id, request.method, request.path)
        try:
            db.session.rollback()
        except Exception:  # the session may be unusable; the page must still render
            log.exception("rollback failed for error id %s", error_id)
        return error_response(500, error_id=error_id)
