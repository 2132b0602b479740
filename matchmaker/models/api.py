"""Personal API tokens: a user's keys to the JSON API, each with its scopes and expiry, stored hashed."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow

if TYPE_CHECKING:
    from .accounts import User


class TokenScope(str, enum.Enum):
    read_offers = "offers:read"
    write_offers = "offers:write"
    read_matches = "matches:read"


class ApiToken(db.Model):
    """A personal token. Only the SHA-256 of the secret is kept: the secret is shown once, when made."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters of the secret, so that its owner can tell tokens apart; not enough to use it.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    scopes: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def has_scope(self, scope: TokenScope) -> bool:
        return scope.value in (self.scopes or [])

    def is_valid(self, now: datetime | None = None) -> bool:
        """Not revoked, not expired, and its owner's account still active."""
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now and self.user is not None and self.user.is_active

    def state(self, now: datetime | None = None) -> str:
        now = now or utcnow()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} of user {self.user_id}>"
