"""Reads of personal API tokens."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ApiToken, User, utcnow


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too, so the list tells what happened)."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(),
                                                                        ApiToken.id.desc())))


def active_token_count(user: User, now: datetime | None = None) -> int:
    now = now or utcnow()
    return db.session.scalar(sa.select(sa.func.count(ApiToken.id)).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)) or 0


def all_tokens() -> sa.Select:
    """Every token with its owner, for staff; active ones first, then newest first."""
    return (sa.select(ApiToken).options(joinedload(ApiToken.user))
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc()))


def token_by_hash(token_hash: str) -> ApiToken | None:
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash))
