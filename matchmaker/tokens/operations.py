"""Making and revoking personal API tokens. They flush but never commit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from ..audit import record_audit
from ..domain import NotAllowed, NotPossible
from ..extensions import db
from ..models import ApiToken, TokenScope, User, utcnow

# What every secret starts with, so that a leaked one is recognised by secret scanners and people alike.
SECRET_PREFIX = "mm_"  # nosec B105: a public marker, not a secret
MAX_TOKENS_PER_USER = 20


def hash_secret(secret: str) -> str:
    """The stored form of a secret: its SHA-256 (the secret is random and long, so no slow hash is needed)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user: User, name: str, scopes: list[TokenScope], days: int,
                 now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token of `user`; returns it with its secret, which is never stored and shown only now."""
    from .queries import active_token_count

    now = now or utcnow()
    if not scopes:
        raise NotPossible(_l("Please choose at least one scope."))
    if active_token_count(user, now) >= MAX_TOKENS_PER_USER:
        raise NotPossible(_l("You have %(n)d active tokens. Please revoke one you no longer use first.",
                             n=MAX_TOKENS_PER_USER))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret), prefix=secret[:10],
                     scopes=sorted({scope.value for scope in scopes}), created_at=now,
                     expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    record_audit(user, "token_create", subject=user, obj=token, detail=", ".join(token.scopes), now=now)
    return token, secret


def revoke_token(token: ApiToken, actor: User, now: datetime | None = None) -> ApiToken:
    """End a token at once: its owner, or staff for any token."""
    if actor.id != token.user_id and not actor.is_staff:
        raise NotAllowed(_l("Only the token's owner or the Präsenzstelle may revoke it."))
    if token.revoked_at is not None:
        raise NotPossible(_l("This token is already revoked."))
    now = now or utcnow()
    token.revoked_at = now
    token.revoked_by_id = actor.id
    db.session.flush()
    record_audit(actor, "token_revoke", subject=token.user, obj=token, now=now)
    return token


def note_use(token: ApiToken, now: datetime | None = None) -> bool:
    """Remember when a token was last used, at most once a minute (no write on every request); True if
    noted."""
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        db.session.flush()
        return True
    return False
