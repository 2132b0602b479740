"""What the service keeps about its own work: the audit trail, the mail outbox, matcher versions, alert deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow

if TYPE_CHECKING:
    from .accounts import User


class AuditEntry(db.Model):
    """Who looked at or changed whose personal data, when."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # The person whose data it is (a graduate's user id), for "who looked at my data".
    subject_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))  # e.g. view_profile, view_contact, introduction_accept
    object_type: Mapped[str] = mapped_column(sa.String(40), default="")
    object_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class AlertDelivery(db.Model):
    """One item (offer or graduate) sent in one person's alert mail: never sent to them twice."""

    __tablename__ = "alert_delivery"
    __table_args__ = (sa.UniqueConstraint("user_id", "item_type", "item_id", name="uq_alert_delivery_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    item_type: Mapped[str] = mapped_column(sa.String(20))  # offer | profile
    item_id: Mapped[int]
    week: Mapped[str] = mapped_column(sa.String(10))  # ISO week, e.g. 2026-W48
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(db.Model):
    """A mail waiting to be sent; in development and tests it stays here for reading."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    # Set for mails that must go out at most once (reminders, weekly alerts): a second queue_mail
    # with the same key finds the first and adds nothing.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(160), unique=True)
    # A list mail's one-click unsubscribe address (RFC 8058 List-Unsubscribe), set when it is queued.
    list_unsubscribe: Mapped[str | None] = mapped_column(sa.String(500))


class MatcherState(db.Model):
    """One row per matcher index; its version rises whenever a profile or an offer changes."""

    __tablename__ = "matcher_state"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
