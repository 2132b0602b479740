"""Error pages and JSON errors: a clear message in the user's language, never a stack trace."""

from __future__ import annotations

import logging
import uuid

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

log = logging.getLogger("matchmaker.errors")


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Please check your input."),
        401: _("Please log in."),
        403: _("You are not allowed to open this page."),
        404: _("This page does not exist or is not visible to you."),
        405: _("This action is not possible here."),
        409: _("This action is not possible in the current state."),
        413: _("The upload is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. We have logged it."),
        503: _("The service is briefly unavailable. Please try again in a moment."),
    }


def _render(code: int, message: str | None = None, error_id: str | None = None):
    text = message or _messages().get(code, _messages()[500 if code >= 500 else 400])
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        body = {"error": text}
        if error_id:
            body["error_id"] = error_id
        return jsonify(body), code
    return render_template("errors/error.html", code=code, message=text, error_id=error_id), code


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, _("The form has expired. Please reload the page and submit it again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render(error.code)

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        error_id = uuid.uuid4().hex[:12]
        log.exception("error id %s on %s %s", error_id, request.method, request.path)
        try:
            db.session.rollback()
        except Exception:  # the session may be unusable; the page must still render
            log.exception("rollback failed for error id %s", error_id)
        return _render(500, error_id=error_id)
