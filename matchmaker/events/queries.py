"""Read-only questions about events: the public list, the staff list, registrations, waiting positions."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..i18n import TIME_ZONE, csv_time
from ..models import (Company, Event, EventAudience, EventPlace, EventRegistration, EventType, Offer,
                      RegistrationStatus, Role, User, utcnow)
from ..offers.queries import public_offers_by_id
from ..privacy.queries import safe_cell


def upcoming_events(now: datetime | None = None) -> sa.Select:
    """Events that have not ended yet, the soonest first; cancelled ones stay listed, marked as such."""
    now = now or utcnow()
    return db.select(Event).where(Event.ends_at > now).order_by(Event.starts_at, Event.id)


def filter_events(select: sa.Select, filters: dict) -> sa.Select:
    """Apply the understood filters of the public list (see EventFilterForm.valid_filters)."""
    if filters.get("type"):
        select = select.where(Event.type == EventType(filters["type"]))
    if filters.get("place"):
        select = select.where(Event.place == EventPlace(filters["place"]))
    return select


def next_events(limit: int = 3, now: datetime | None = None) -> list[Event]:
    """The next upcoming events that take place, for the start page."""
    now = now or utcnow()
    return list(db.session.scalars(
        db.select(Event).where(Event.starts_at > now, Event.cancelled_at.is_(None))
        .order_by(Event.starts_at, Event.id).limit(limit)))


def feed_events(now: datetime | None = None) -> list[Event]:
    """What the calendar feed carries: every upcoming event of the public list, cancelled ones as cancelled."""
    return list(db.session.scalars(upcoming_events(now)))


def staff_events(when: str, now: datetime | None = None) -> sa.Select:
    """For staff: upcoming events (soonest first) or past ones (latest first)."""
    now = now or utcnow()
    if when == "past":
        return db.select(Event).where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id.desc())
    return upcoming_events(now)


def registered_count(event: Event) -> int:
    return db.session.scalar(sa.select(sa.func.count(EventRegistration.id)).where(
        EventRegistration.event_id == event.id, EventRegistration.status == RegistrationStatus.registered)) or 0


def counts(event: Event) -> dict[str, int]:
    """Registered, waiting and cancelled registrations of the event."""
    rows = db.session.execute(sa.select(EventRegistration.status, sa.func.count(EventRegistration.id))
                              .where(EventRegistration.event_id == event.id)
                              .group_by(EventRegistration.status)).all()
    found = {status.value: 0 for status in RegistrationStatus}
    found.update({status.value: number for status, number in rows})
    return found


def registration_of(event: Event, user) -> EventRegistration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(sa.select(EventRegistration).where(EventRegistration.event_id == event.id,
                                                                EventRegistration.user_id == user.id))


def waiting_position(registration: EventRegistration) -> int:
    """1 for the first person on the waiting list."""
    ahead = db.session.scalar(sa.select(sa.func.count(EventRegistration.id)).where(
        EventRegistration.event_id == registration.event_id,
        EventRegistration.status == RegistrationStatus.waiting,
        sa.tuple_(EventRegistration.created_at, EventRegistration.id)
        < sa.tuple_(registration.created_at, registration.id)))
    return (ahead or 0) + 1


def first_waiting(event: Event) -> EventRegistration | None:
    return db.session.scalar(sa.select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.status == RegistrationStatus.waiting)
        .order_by(EventRegistration.created_at, EventRegistration.id).limit(1))


def registrations_by_status(event: Event) -> dict[RegistrationStatus, list[EventRegistration]]:
    """Every registration of the event grouped by status, each group in order of registration."""
    groups: dict[RegistrationStatus, list[EventRegistration]] = {status: [] for status in RegistrationStatus}
    rows = db.session.scalars(sa.select(EventRegistration).where(EventRegistration.event_id == event.id)
                              .order_by(EventRegistration.created_at, EventRegistration.id))
    for registration in rows:
        groups[registration.status].append(registration)
    return groups


def registrant_name(user: User) -> str:
    """How staff see a registrant: the graduate's name, or the company user's company."""
    if user.role == Role.graduate and user.profile is not None and user.profile.name:
        return user.profile.name
    if user.role == Role.company and user.company is not None:
        return user.company.name
    return ""


def linkable_companies() -> list[Company]:
    """Companies an event may show: the verified ones."""
    return list(db.session.scalars(db.select(Company).where(Company.verified_at.is_not(None))
                                   .order_by(Company.name, Company.id)))


def companies_by_ids(ids: list[int]) -> list[Company]:
    if not ids:
        return []
    return list(db.session.scalars(db.select(Company).where(Company.id.in_(ids), Company.verified_at.is_not(None))))


def offers_by_ids(ids: list[int]) -> list[Offer]:
    return list(public_offers_by_id(ids).values())


def registrations_of_user(user: User) -> list[EventRegistration]:
    return list(db.session.scalars(sa.select(EventRegistration).where(EventRegistration.user_id == user.id)
                                   .order_by(EventRegistration.id)))


def due_reminders(now: datetime, until: datetime) -> list[EventRegistration]:
    """Places at events that start between `now` and `until`, not yet reminded."""
    return list(db.session.scalars(
        sa.select(EventRegistration).join(EventRegistration.event)
        .where(EventRegistration.status == RegistrationStatus.registered, EventRegistration.reminded_at.is_(None),
               Event.cancelled_at.is_(None), Event.starts_at > now, Event.starts_at < until)
        .order_by(Event.starts_at, EventRegistration.id)))


# Which audiences each role may register for.
AUDIENCES_FOR = {
    Role.graduate: {EventAudience.graduates, EventAudience.both, EventAudience.public},
    Role.company: {EventAudience.companies, EventAudience.both, EventAudience.public},
}


CSV_COLUMNS = ("registration_id", "status", "name", "email", "role", "company", f"registered_at ({TIME_ZONE})",
               f"cancelled_at ({TIME_ZONE})", "attended")


def registrations_csv(event: Event) -> str:
    """The event's registrations as CSV for staff, in the order of the list; cells are safe for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for status, registrations in registrations_by_status(event).items():
        for registration in registrations:
            user = registration.user
            company = user.company.name if user.role == Role.company and user.company is not None else ""
            attended = "" if registration.attended is None else ("yes" if registration.attended else "no")
            writer.writerow([safe_cell(value) for value in (
                registration.id, status.value, registrant_name(user), user.email, user.role.value, company,
                csv_time(registration.created_at), csv_time(registration.cancelled_at),
                attended)])
    return buffer.getvalue()
