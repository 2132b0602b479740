"""Every change to an event and its registrations goes through these functions. They flush but never commit.

Capacity under concurrent registration: `register` first locks the event row (PostgreSQL: `SELECT … FOR
UPDATE`; SQLite: a no-op `UPDATE` of the row, which takes the database's write lock), then counts the
places taken and inserts. A second registration for the same event waits for the first one's commit and
then counts its place, so an event never holds more than `capacity` registered people; the rest wait.
Cancelling and the promotion from the waiting list take the same lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit import record_audit
from ..domain import DomainError, InvalidInput, NotAllowed, NotPossible
from ..extensions import db
from ..models import Event, EventRegistration, RegistrationStatus, Role, User, utcnow
from ..outbox import external_url, queue_mail
from . import queries

BERLIN = ZoneInfo("Europe/Berlin")

# The columns the staff's event form fills in.
EDITABLE_FIELDS = ("type", "place", "venue", "starts_at", "ends_at", "capacity", "audience", "field_of_action",
                   "title_de", "title_en", "description_de", "description_en")


def _require_staff(actor: User) -> None:
    if not actor.is_staff:
        raise NotAllowed(_l("Only the Präsenzstelle manages events."))


def _apply(event: Event, fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"companies", "offers"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        if name == "companies":
            event.companies = queries.companies_by_ids([c.id for c in value])
        elif name == "offers":
            event.offers = queries.offers_by_ids([o.id for o in value])
        else:
            setattr(event, name, value)
    if event.ends_at <= event.starts_at:
        raise InvalidInput(_l("The end must be after the start."))
    if event.capacity is not None and event.capacity < 0:
        raise InvalidInput(_l("The capacity must not be negative."))
    if not (event.title_de or event.title_en):
        raise InvalidInput(_l("Please enter a title in German or English."))


def create_event(actor: User, **fields) -> Event:
    """A new event, at once on the public list."""
    _require_staff(actor)
    event = Event(created_by_id=actor.id)
    _apply(event, fields)
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, actor: User, now: datetime | None = None, **fields) -> Event:
    """Change the event. A new start time makes the reminder due again; more places move people up."""
    _require_staff(actor)
    old_start = event.starts_at
    _apply(event, fields)
    db.session.flush()
    if event.starts_at != old_start:
        db.session.execute(sa.update(EventRegistration).where(EventRegistration.event_id == event.id)
                           .values(reminded_at=None).execution_options(synchronize_session=False))
    fill_places(event, now)
    return event


def cancel_event(event: Event, actor: User, now: datetime | None = None) -> Event:
    """Call the event off; everyone registered or waiting hears of it."""
    _require_staff(actor)
    if event.cancelled_at is not None:
        raise NotPossible(_l("This event is already cancelled."))
    now = now or utcnow()
    if event.ends_at <= now:
        raise NotPossible(_l("This event is over and cannot be cancelled any more."))
    event.cancelled_at = now
    for registration in event.registrations:
        if registration.status == RegistrationStatus.cancelled:
            continue
        user = registration.user
        queue_mail(user.email, _l("An event was cancelled"), "event_cancelled", locale=user.locale,
                   kind="event_cancelled", dedupe_key=f"event-cancelled:{event.id}:{user.id}",
                   event=event, title=event.title(user.locale), link=external_url("events.detail", event_id=event.id))
    db.session.flush()
    return event


# ---- registration ----------------------------------------------------------------------------

def _lock(event: Event) -> None:
    """Hold the event's row until the commit (see the module's docstring) and read it afresh."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(Event).where(Event.id == event.id).with_for_update()
                           .execution_options(populate_existing=True))
    else:
        db.session.execute(sa.text("UPDATE event SET id = id WHERE id = :id"), {"id": event.id})
        db.session.refresh(event)


def refusal(event: Event, user, now: datetime | None = None) -> DomainError | None:
    """Why `user` may not register for the event now, or None if they may. The event's state and time
    are a 409, the person's role or account a 403."""
    now = now or utcnow()
    if event.cancelled_at is not None:
        return NotPossible(_l("This event has been cancelled, so registration is closed."))
    if event.starts_at <= now:
        return NotPossible(_l("This event has already started or is over, so registration is closed."))
    if not getattr(user, "is_authenticated", False):
        return NotAllowed(_l("Please log in to register."))
    allowed = queries.AUDIENCES_FOR.get(user.role)
    if allowed is None:
        return NotAllowed(_l("Only graduates and company users register for events."))
    if user.role == Role.company and user.active_company is None:
        return NotAllowed(_l("You can register once your company has confirmed your membership."))
    if event.audience not in allowed:
        if user.role == Role.graduate:
            return NotAllowed(_l("This event is for companies; graduates cannot register for it."))
        return NotAllowed(_l("This event is for graduates; company users cannot register for it."))
    return None


def register(event: Event, user: User, now: datetime | None = None) -> EventRegistration:
    """A place for `user`, or a place on the waiting list when the event is full."""
    now = now or utcnow()
    _lock(event)
    refused = refusal(event, user, now)
    if refused is not None:
        raise refused
    registration = queries.registration_of(event, user)
    if registration is not None and registration.status == RegistrationStatus.registered:
        raise NotPossible(_l("You are already registered for this event."))
    if registration is not None and registration.status == RegistrationStatus.waiting:
        raise NotPossible(_l("You are already on the waiting list for this event."))
    full = event.capacity is not None and queries.registered_count(event) >= event.capacity
    status = RegistrationStatus.waiting if full else RegistrationStatus.registered
    if registration is None:
        registration = EventRegistration(event_id=event.id, user_id=user.id)
        db.session.add(registration)
    # Registering again after cancelling: a new place in the queue, at its end.
    registration.status = status
    registration.created_at = now
    registration.cancelled_at = None
    registration.reminded_at = None
    registration.attended = None
    db.session.flush()
    return registration


def cancel_registration(event: Event, user: User, now: datetime | None = None) -> EventRegistration:
    """Give up a place or leave the waiting list; the first person waiting moves up."""
    now = now or utcnow()
    _lock(event)
    registration = queries.registration_of(event, user)
    if registration is None or registration.status == RegistrationStatus.cancelled:
        raise NotPossible(_l("You are not registered for this event."))
    if event.starts_at <= now:
        raise NotPossible(_l("This event has already started or is over; a registration can no longer be "
                             "cancelled."))
    registration.status = RegistrationStatus.cancelled
    registration.cancelled_at = now
    db.session.flush()
    fill_places(event, now, locked=True)
    return registration


def fill_places(event: Event, now: datetime | None = None, locked: bool = False) -> list[EventRegistration]:
    """Move people up from the waiting list while there are free places; each one gets a mail."""
    now = now or utcnow()
    if event.cancelled_at is not None or event.starts_at <= now:
        return []
    if not locked:
        _lock(event)
    promoted = []
    while event.capacity is None or queries.registered_count(event) < event.capacity:
        waiting = queries.first_waiting(event)
        if waiting is None:
            break
        waiting.status = RegistrationStatus.registered
        db.session.flush()
        user = waiting.user
        queue_mail(user.email, _l("You have a place at the event"), "event_promoted", locale=user.locale,
                   kind="event_promoted", dedupe_key=f"event-promoted:{waiting.id}:{waiting.created_at.isoformat()}",
                   event=event, title=event.title(user.locale),
                   link=external_url("events.detail", event_id=event.id))
        promoted.append(waiting)
    return promoted


# ---- after the event --------------------------------------------------------------------------

def record_attendance(event: Event, actor: User, attended_ids: set[int], walk_ins: int,
                      now: datetime | None = None) -> Event:
    """Who of the registered people came (the others did not), and how many came without an account."""
    _require_staff(actor)
    now = now or utcnow()
    if event.cancelled_at is not None:
        raise NotPossible(_l("This event was cancelled; there is no attendance to record."))
    if event.starts_at > now:
        raise NotPossible(_l("Attendance can be recorded once the event has started."))
    if walk_ins < 0:
        raise InvalidInput(_l("The number of walk-ins must not be negative."))
    for registration in event.registrations:
        if registration.status == RegistrationStatus.registered:
            registration.attended = registration.id in attended_ids
    event.walk_ins = walk_ins
    record_audit(actor, "event_attendance", obj=event,
                 detail=f"attended {len(attended_ids)}, walk-ins {walk_ins}")
    db.session.flush()
    return event


# ---- reminders --------------------------------------------------------------------------------

def reminder_window_end(now: datetime) -> datetime:
    """The end of tomorrow in Europe/Berlin, as naive UTC: events starting before it are reminded today."""
    local = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(BERLIN)
    end = datetime.combine(local.date() + timedelta(days=2), datetime.min.time(), tzinfo=BERLIN)
    return end.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def send_reminders(now: datetime | None = None) -> int:
    """Remind everyone with a place at an event that starts tomorrow (or later today). Idempotent: once per
    place and start time, kept in `reminded_at` and the mail's dedupe key."""
    now = now or utcnow()
    sent = 0
    for registration in queries.due_reminders(now, reminder_window_end(now)):
        event, user = registration.event, registration.user
        registration.reminded_at = now
        queue_mail(user.email, _l("Reminder: your event tomorrow"), "event_reminder", locale=user.locale,
                   kind="event_reminder",
                   dedupe_key=f"event-reminder:{registration.id}:{event.starts_at.isoformat()}",
                   event=event, title=event.title(user.locale),
                   link=external_url("events.detail", event_id=event.id))
        sent += 1
    db.session.flush()
    return sent


# ---- the person's rights ------------------------------------------------------------------------

def forget_registrations(user: User, now: datetime | None = None) -> int:
    """On erasure: remove the person's registrations. A place at an upcoming event goes to the next person
    waiting; having attended a past event stays only as a number (added to the event's walk-ins, the
    count of people who came without being named). Returns how many registrations were removed."""
    now = now or utcnow()
    registrations = queries.registrations_of_user(user)
    for registration in registrations:
        event = registration.event
        if registration.attended:
            event.walk_ins += 1
        freed = registration.status == RegistrationStatus.registered and event.starts_at > now
        db.session.delete(registration)
        db.session.flush()
        if freed:
            fill_places(event, now)
    return len(registrations)

