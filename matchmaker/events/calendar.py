"""Events as iCalendar (RFC 5545), built with the `icalendar` library: one event's file and the feed.

Times go out in UTC (`DTSTART:20270312T090000Z`): every calendar shows them in its own zone, and no
VTIMEZONE block is needed. The UID is the event's id on the site's host, so it stays the same across edits
and a calendar updates the entry instead of adding a second one.
"""

from __future__ import annotations

from datetime import timezone
from urllib.parse import urlsplit

from flask_babel import force_locale
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from ..catalog import EVENT_PLACE_LABELS
from ..models import Event
from ..outbox import base_url, external_url


def _utc(value):
    return value.replace(tzinfo=timezone.utc)


def uid(event: Event) -> str:
    return f"event-{event.id}@{urlsplit(base_url()).hostname or 'matchmaker'}"


def location(event: Event, locale: str) -> str:
    """The place as the report counts it, with the venue when there is one."""
    with force_locale(locale):
        place = str(EVENT_PLACE_LABELS[event.place])
    return f"{event.venue}, {place}" if event.venue else place


def event_calendar(events: list[Event], locale: str) -> bytes:
    """A VCALENDAR with one VEVENT per event, titles and descriptions in `locale` (else the other language)."""
    calendar = Calendar()
    calendar.add("prodid", "-//BTU Cottbus-Senftenberg//Matchmaker events//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Matchmaker · Präsenzstelle")
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", uid(event))
        entry.add("dtstamp", _utc(event.updated_at or event.created_at))
        entry.add("last-modified", _utc(event.updated_at or event.created_at))
        entry.add("dtstart", _utc(event.starts_at))
        entry.add("dtend", _utc(event.ends_at))
        entry.add("summary", event.title(locale))
        link = external_url("events.detail", event_id=event.id)
        description = event.description(locale)
        entry.add("description", f"{description}\n\n{link}" if description else link)
        entry.add("location", location(event, locale))
        entry.add("url", link)
        entry.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
        calendar.add_component(entry)
    return calendar.to_ical()
