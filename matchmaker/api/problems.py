"""API errors as RFC 9457 `application/problem+json`: type, title, status, detail and field errors,
in the request's language."""

from __future__ import annotations

from flask import Response, json, request
from flask_babel import gettext as _

PROBLEM_TYPE = "application/problem+json"


def is_api_request() -> bool:
    """The request is one of the JSON API's (which answers every error as problem+json)."""
    return request.path == "/api/v1" or request.path.startswith("/api/")


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"), 401: _("Not authenticated"), 403: _("Not allowed"), 404: _("Not found"),
        405: _("Method not allowed"), 409: _("Conflict"), 413: _("Request too large"),
        415: _("Unsupported media type"), 422: _("Invalid input"), 429: _("Too many requests"),
        500: _("Server error"), 503: _("Service unavailable"),
    }


def problem(status: int, detail: str, errors: dict[str, list[str]] | None = None,
            error_id: str | None = None) -> Response:
    """A problem+json response with `status`."""
    titles = _titles()
    body: dict = {"type": "about:blank", "title": titles.get(status) or titles[500 if status >= 500 else 400],
                  "status": status, "detail": str(detail)}
    if errors:
        body["errors"] = {name: [str(message) for message in messages] for name, messages in errors.items()}
    if error_id:
        body["error_id"] = error_id
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="matchmaker"'
    return response
