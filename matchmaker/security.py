"""Page and session security: headers, host check, rate limits, session lifetime, the security log.

Sessions. Flask keeps the session in a signed cookie, so a copy of that cookie would stay valid after
logout unless the server can tell it apart. Each user has a `session_version`, and the login id that
Flask-Login stores in the session and in the remember-me cookie is "<user id>:<version>"
(`User.get_id`). The user loader refuses an id whose version is not the user's current one. The
version rises

- on logout: this session ends, and so do the user's sessions on other devices (logging out means
  logging out everywhere; a per-session list on the server would be needed to end only one);
- on a password change or reset: every other session ends, the current one is issued again under
  the new version (`renew_session`), so the user stays logged in here;
- when staff deactivate an account (admin.operations.deactivate_user), so that a later reactivation
  does not bring old sessions back. The loader also refuses any inactive account at once.

Every session also carries its login time and last request time; past `SESSION_IDLE_MINUTES` without
a request or `SESSION_ABSOLUTE_HOURS` after the login it ends, remember-me cookie included. A login
restored from the remember-me cookie (after the browser was closed) starts a new session whose
times count from then; the cookie itself lasts `REMEMBER_COOKIE_DURATION` and dies with the version.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time

from flask import (Flask, current_app, flash, g, has_request_context, make_response, redirect, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_user, logout_user
from flask_login.signals import user_loaded_from_cookie
from werkzeug.exceptions import SecurityError

from .extensions import db, limiter, login_manager
from .models import User, utcnow

log = logging.getLogger("matchmaker.security")

# Pages a staff member without two-factor authentication may open while REQUIRE_2FA_FOR_STAFF holds.
TWO_FACTOR_SETUP_ENDPOINTS = frozenset({
    "auth.two_factor", "auth.two_factor_setup", "auth.logout", "main.set_language", "static",
})

# Session keys that outlive a logout: the chosen language, and Flask-Login's order to delete the
# remember-me cookie.
_KEPT_ON_RESET = ("lang", "_remember")


# ---- security log ------------------------------------------------------------------------------

def clean_for_log(value: object, limit: int = 300) -> str:
    """A value safe to put in one log line: CR, LF and other control characters escaped, length capped."""
    out = []
    for ch in str(value)[:limit]:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 32 or ord(ch) == 127 or ch in "\x85\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def security_event(name: str, level: int = logging.INFO, **fields: object) -> None:
    """One line in the security log: the event, its fields, and the client address. Never pass a password."""
    if has_request_context():
        fields.setdefault("ip", request.remote_addr)
    parts = [name] + [f'{key}="{clean_for_log(value)}"' for key, value in fields.items() if value is not None]
    log.log(level, " ".join(parts))


# ---- rate limits -------------------------------------------------------------------------------

def rate_limit(config_key: str, **kwargs):
    """A Flask-Limiter limit on POST requests, its value read from the app config at request time."""
    return limiter.limit(lambda: current_app.config[config_key], methods=["POST"], **kwargs)


def rate_limits_per_process(config) -> bool:
    """Production with several workers and no shared store: each worker counts on its own."""
    return (config.get("ENV_NAME") == "production" and bool(config.get("RATELIMIT_ENABLED"))
            and int(config.get("WORKERS") or 1) > 1
            and str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"))


def login_account_key() -> str:
    """Counts login attempts per account tried (hashed: no email address in the limiter's storage)."""
    email = User.normalise_email(request.form.get("email", ""))[:254]
    return "login-account:" + hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


# ---- sessions ----------------------------------------------------------------------------------

def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user, if the id's session version is current and the account active."""
    raw_id, _sep, version = (user_id or "").partition(":")
    if not (raw_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.active or (user.session_version or 0) != int(version):
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Every session and remember-me cookie of this user stops working (flushes, no commit)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def _reset_session() -> None:
    kept = {key: session[key] for key in _KEPT_ON_RESET if key in session}
    session.clear()
    session.update(kept)


def _stamp_session(login_at: int | None = None) -> None:
    now = int(time.time())
    session["_login_at"] = login_at or now
    session["_seen_at"] = now
    # A fresh random value, so the session cookie after a login never equals one from before.
    session["_sid"] = secrets.token_urlsafe(16)


def start_session(user: User, remember: bool = False) -> None:
    """Log the user in on a new session (no value of the old session carries over but the language)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user, remember=remember, fresh=True)
    _stamp_session()
    user.last_login_at = utcnow()
    security_event("login_succeeded", user=user.id, email=user.email, remember=remember)


def renew_session(user: User) -> None:
    """After end_all_sessions: keep the current session (and remember-me cookie) under the new version."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    login_at = session.get("_login_at")
    login_user(user, remember=remember, fresh=True)
    _stamp_session(login_at if isinstance(login_at, int) else None)


def end_session() -> None:
    """Logout: this session ends, and with the version every other one of this user."""
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        end_all_sessions(user)
        security_event("logout", user=user.id)
    logout_user()
    _reset_session()


def _session_expired() -> bool:
    login_at, seen_at = session.get("_login_at"), session.get("_seen_at")
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return True
    now = int(time.time())
    config = current_app.config
    return (now - seen_at > config["SESSION_IDLE_MINUTES"] * 60
            or now - login_at > config["SESSION_ABSOLUTE_HOURS"] * 3600)


def check_session_age():
    """Before each request: end a session past its idle or absolute limit, else note this request."""
    # The user is judged by this request's cookies only (matters where an app context outlives a
    # request, as in tests; in a server every request has a fresh `g`).
    g.pop("_login_user", None)
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    if not _session_expired():
        session["_seen_at"] = int(time.time())
        return None
    user_id = str(session.get("_user_id", "")).partition(":")[0]
    logout_user()
    _reset_session()
    security_event("session_expired", user=user_id)
    flash(_("Your session has expired. Please log in again."), "info")
    return None


def _on_login_from_cookie(_app, user=None, **_extra) -> None:
    _stamp_session()
    security_event("login_from_remember_cookie", user=getattr(user, "id", None))


def require_two_factor():
    """With REQUIRE_2FA_FOR_STAFF, staff without two-factor login go to its setup before anything else."""
    if not current_app.config.get("REQUIRE_2FA_FOR_STAFF") or request.endpoint in TWO_FACTOR_SETUP_ENDPOINTS:
        return None
    if request.endpoint is None or request.path.startswith("/api/") or not current_user.is_authenticated:
        return None  # the API is reached with tokens, never with this session
    if current_user.is_staff and not current_user.has_totp:
        flash(_("Please set up two-factor authentication first. It is required for staff accounts."), "info")
        return redirect(url_for("auth.two_factor"))
    return None


# ---- headers and errors ------------------------------------------------------------------------

def _is_private_response() -> bool:
    if request.endpoint == "static":
        return False
    return request.path.startswith("/auth/") or current_user.is_authenticated


def secure_headers(response):
    """Security headers on every response, error pages included."""
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                                     "magnetometer=(), microphone=(), payment=(), usb=()")
    if config.get("SECURITY_HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if _is_private_response():
        headers["Cache-Control"] = "no-store"
    if response.status_code == 403:
        security_event("forbidden", logging.WARNING, method=request.method, path=request.path,
                       user=current_user.id if current_user.is_authenticated else None)
    return response


def too_many_requests(error: RateLimitExceeded):
    from .errors import error_response

    security_event("rate_limited", logging.WARNING, method=request.method, path=request.path,
                   limit=error.description)
    response = make_response(error_response(429))
    current = limiter.current_limit
    if current is not None and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(max(1, int(current.reset_at - time.time())))
    return response


def bad_host(error: SecurityError):
    # No template: building URLs needs the host that was just refused.
    security_event("bad_host", logging.WARNING, host=request.headers.get("Host", ""))
    response = make_response(_("The request could not be understood. Please check your input."), 400)
    response.mimetype = "text/plain"
    return response


def register(app: Flask) -> None:
    """Install the loader, the session checks, the headers and the error handlers on the app."""
    login_manager.user_loader(load_user)
    user_loaded_from_cookie.connect(_on_login_from_cookie)
    app.before_request(check_session_age)
    app.before_request(require_two_factor)
    app.after_request(secure_headers)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    app.register_error_handler(SecurityError, bad_host)
    if rate_limits_per_process(app.config):
        log.warning("RATE LIMITS ARE PER PROCESS: %d workers (WEB_CONCURRENCY) and no REDIS_URL, so each worker "
                    "counts logins, codes and resets on its own and an attacker gets about %d times each limit. "
                    "Set REDIS_URL.", app.config["WORKERS"], app.config["WORKERS"])
