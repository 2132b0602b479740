"""Who calls the API: the personal bearer token of the request, never the session cookie."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import lazy_gettext as _l

from ..domain import DomainError, NotAllowed
from ..extensions import db, login_manager
from ..models import ApiToken, TokenScope, utcnow
from ..tokens.operations import SECRET_PREFIX, hash_secret, note_use
from ..tokens.queries import token_by_hash

_UNSET = object()
# The request's token is looked up once, kept with the request (not in `g`, which an app context shared by
# several requests would carry over).
_CACHE_KEY = "matchmaker.api_token"
# Longer than any secret we make; a longer header is not ours and is not hashed.
MAX_SECRET_LENGTH = 200


class NotAuthenticated(DomainError):
    """No valid token where one is needed."""

    status = 401


def _secret_from_header() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _space, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def current_token() -> ApiToken | None:
    """The valid token the request carries (cached for the request); None without one.

    A token that is unknown, revoked, expired or of a deactivated account raises NotAuthenticated, and
    so does another kind of Authorization header: a request that tried to authenticate and failed is
    never served as anonymous.
    """
    cached = request.environ.get(_CACHE_KEY, _UNSET)
    if cached is not _UNSET:
        if isinstance(cached, NotAuthenticated):
            raise cached
        return cached
    secret = _secret_from_header()
    token = None
    if secret is not None:
        if secret.startswith(SECRET_PREFIX) and len(secret) <= MAX_SECRET_LENGTH:
            token = token_by_hash(hash_secret(secret))
        if token is None or not token.is_valid(utcnow()):
            failure = NotAuthenticated(_l("The token is not valid: it is unknown, revoked or expired."))
            request.environ[_CACHE_KEY] = failure
            raise failure
    request.environ[_CACHE_KEY] = token
    return token


def rate_limit_key() -> str:
    """Requests count per token; without a (valid) token, per client address."""
    try:
        token = current_token()
    except NotAuthenticated:
        token = None
    if token is not None:
        return f"api-token:{token.id}"
    return f"api-addr:{request.remote_addr or ''}"


def authenticate_request() -> None:
    """Make the token's owner the request's user (or an anonymous visitor): the access functions and
    operations then check them as on the pages. A session cookie sent along is never looked at."""
    token = current_token()
    if token is None:
        g._login_user = login_manager.anonymous_user()
        return
    g._login_user = token.user
    if note_use(token):
        db.session.commit()  # bookkeeping of its own, before the operation's one commit


def token_required(*scopes: TokenScope):
    """The operation needs a valid token with every scope in `scopes`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = current_token()
            if token is None:
                raise NotAuthenticated(_l("This operation needs a personal API token: send it as "
                                         "\"Authorization: Bearer <token>\"."))
            missing = [scope.value for scope in scopes if not token.has_scope(scope)]
            if missing:
                raise NotAllowed(_l("The token lacks the scope %(scopes)s for this operation.",
                                   scopes=", ".join(missing)))
            return view(*args, **kwargs)

        wrapped.api_scopes = tuple(scopes)
        return wrapped

    return decorator


def token_has(scope: TokenScope) -> bool:
    token = current_token()
    return token is not None and token.has_scope(scope)
