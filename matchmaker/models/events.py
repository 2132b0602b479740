"""The Präsenzstelle's events (company visits, fairs at Dock3, office hours in Spremberg, talks, information
days) and who registered for them, with a waiting list once an event is full."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import FieldOfAction, _enum, utcnow


class EventType(str, enum.Enum):
    company_visit = "company_visit"
    job_fair = "job_fair"
    office_hours = "office_hours"
    talk = "talk"                                # talk or workshop
    info_day = "info_day"


class EventPlace(str, enum.Enum):
    """Where, as the report counts it; the exact address or room is `Event.venue`."""

    spremberg = "spremberg"
    dock3 = "dock3"                              # the Dock3 Lausitz hub in the park
    online = "online"
    elsewhere = "elsewhere"


class EventAudience(str, enum.Enum):
    graduates = "graduates"
    companies = "companies"
    both = "both"                                # graduates and companies
    public = "public"                            # anyone, also without an account


class RegistrationStatus(str, enum.Enum):
    registered = "registered"
    waiting = "waiting"                          # the event was full; moves up in order of `created_at`
    cancelled = "cancelled"


event_company = sa.Table(
    "event_company", db.metadata,
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("company_id", sa.ForeignKey("company.id", ondelete="CASCADE"), primary_key=True),
)

event_offer = sa.Table(
    "event_offer", db.metadata,
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("offer_id", sa.ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True),
)


class Event(db.Model):
    """One event. Times are stored as naive UTC like every time here and shown in Europe/Berlin."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[EventType] = mapped_column(_enum(EventType), index=True)
    title_de: Mapped[str] = mapped_column(sa.String(200), default="")
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    description_de: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    place: Mapped[EventPlace] = mapped_column(_enum(EventPlace), index=True)
    venue: Mapped[str] = mapped_column(sa.String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    # None: no limit.
    capacity: Mapped[int | None]
    audience: Mapped[EventAudience] = mapped_column(_enum(EventAudience))
    field_of_action: Mapped[FieldOfAction] = mapped_column(_enum(FieldOfAction), index=True)
    # Walk-ins without an account: counted, never named.
    walk_ins: Mapped[int] = mapped_column(default=0, server_default="0")
    cancelled_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    companies = relationship("Company", secondary=event_company, order_by="Company.name")
    offers = relationship("Offer", secondary=event_offer, order_by="Offer.title")
    registrations: Mapped[list["EventRegistration"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventRegistration.created_at")

    __table_args__ = (
        sa.CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("walk_ins >= 0", name="walk_ins_not_negative"),
    )

    def title(self, locale: str) -> str:
        """The title in `locale`, else in the other language."""
        return (self.title_en or self.title_de) if locale == "en" else (self.title_de or self.title_en)

    def description(self, locale: str) -> str:
        return ((self.description_en or self.description_de) if locale == "en"
                else (self.description_de or self.description_en))


class EventRegistration(db.Model):
    """A user's place at an event, or on its waiting list. Cancelled ones are kept for the counts."""

    __tablename__ = "event_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(_enum(RegistrationStatus, 16), index=True)
    # None until staff record attendance after the event.
    attended: Mapped[bool | None]
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship(back_populates="registrations")
    user = relationship("User")

    __table_args__ = (sa.UniqueConstraint("event_id", "user_id"),)
