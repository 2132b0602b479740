"""The Präsenzstelle's events: staff manage them, graduates and company users register (with a waiting list),
staff see registrations, export them and record attendance; calendar files, reminders, the public list,
the start page, and the person's rights over their registrations."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
from helpers import followed, link_in

from matchmaker.models import (AuditEntry, Event, EventAudience, EventPlace, EventRegistration, EventType,
                               FieldOfAction, Membership, OfferStatus, RegistrationStatus, Role, utcnow)


def _form(**overrides) -> dict:
    data = {"type": "job_fair", "title_de": "Jobmesse im Dock3", "title_en": "Job fair at Dock3",
            "description_de": "Firmen des Industrieparks stellen sich vor.",
            "description_en": "The park's companies introduce themselves.", "place": "dock3",
            "venue": "Dock3 Lausitz, Halle 2", "starts_at": "2030-03-12T10:00", "ends_at": "2030-03-12T15:30",
            "capacity": "40", "audience": "both", "field_of_action": "qualification"}
    data.update(overrides)
    return data


def _events(db) -> list[Event]:
    return list(db.session.scalars(db.select(Event).order_by(Event.id)))


def _registration(db, event, user) -> EventRegistration | None:
    return db.session.scalar(db.select(EventRegistration).where(EventRegistration.event_id == event.id,
                                                                EventRegistration.user_id == user.id))


# ---- staff create, edit, cancel ---------------------------------------------------------------

def test_staff_create_an_event_in_berlin_time(client, db, make_user, login_as, make_company, make_offer):
    company = make_company(name="LEAG")
    offer = make_offer(company=company, title="Praktikum Kraftwerk")
    login_as(make_user(Role.staff))
    page = client.get("/events/new")
    assert page.status_code == 200
    # The companies are listed to tick; the offers are named by number or address, not listed one by one.
    assert "LEAG" in page.get_data(as_text=True) and "Praktikum Kraftwerk" not in page.get_data(as_text=True)
    response = client.post("/events/new", data=_form(companies=[str(company.id)],
                                                     offers=f"http://localhost/offers/{offer.id}"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    (event,) = _events(db)
    # 10:00 in Berlin in March (CET, UTC+1) is 09:00 UTC; 15:30 is 14:30 UTC.
    assert event.starts_at == datetime(2030, 3, 12, 9, 0)
    assert event.ends_at == datetime(2030, 3, 12, 14, 30)
    assert (event.type, event.place, event.audience, event.capacity) == (
        EventType.job_fair, EventPlace.dock3, EventAudience.both, 40)
    assert event.field_of_action == FieldOfAction.qualification
    assert [c.id for c in event.companies] == [company.id] and [o.id for o in event.offers] == [offer.id]
    detail = client.get(response.location).get_data(as_text=True)
    assert "Job fair at Dock3" in detail and "LEAG" in detail and "Praktikum Kraftwerk" in detail
    assert "10:00" in detail


def test_the_offers_an_event_shows_are_named_by_number_and_checked(client, db, make_user, login_as, make_offer,
                                                                   make_event):
    offer, closed = make_offer(title="Praktikum Kraftwerk"), make_offer(title="Alte Stelle")
    closed.status = OfferStatus.closed
    db.session.commit()
    login_as(make_user(Role.staff))
    for text, message in ((str(closed.id), f"No public offer has the number {closed.id}."),
                          ("Kraftwerk", "Not an offer&#39;s number or address")):
        response = client.post("/events/new", data=_form(offers=text))
        assert response.status_code == 400 and message in response.get_data(as_text=True), text
    assert _events(db) == []
    event = make_event()
    event.offers = [offer]
    db.session.commit()
    edit = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert f"{offer.id} Praktikum Kraftwerk (" in edit
    response = client.post(f"/events/{event.id}/edit", data=_form(offers=f"{offer.id} Praktikum Kraftwerk"))
    assert response.status_code == 302
    db.session.refresh(event)
    assert [o.id for o in event.offers] == [offer.id]


def test_summer_time_is_converted_too(client, db, make_user, login_as):
    login_as(make_user(Role.staff))
    response = client.post("/events/new", data=_form(starts_at="2030-07-01T10:00", ends_at="2030-07-01T12:00",
                                                     capacity=""))
    assert response.status_code == 302
    (event,) = _events(db)
    assert event.starts_at == datetime(2030, 7, 1, 8, 0)  # CEST, UTC+2
    assert event.capacity is None


@pytest.mark.parametrize("overrides, field, message", [
    ({"ends_at": "2030-03-12T09:00"}, "ends_at", "The end must be after the start."),
    ({"ends_at": "2030-03-12T10:00"}, "ends_at", "The end must be after the start."),
    ({"capacity": "-3"}, "capacity", "leave empty for no limit"),
    ({"capacity": "zwei"}, "capacity", "Not a valid integer value"),
    ({"title_de": "", "title_en": ""}, "title_en", "Please enter a title in German or English"),
    ({"description_de": "", "description_en": " "}, "description_en", "Please describe the event"),
    ({"starts_at": "gestern"}, "starts_at", "Not a valid datetime value"),
    ({"starts_at": "9999-01-01T10:00", "ends_at": "9999-01-01T12:00"}, "starts_at", "between the year 2000"),
    ({"place": "mars"}, "place", "Please choose one of the listed values."),
    ({"type": ""}, "type", "Please choose the type of event."),
    ({"companies": ["999999"]}, "companies", "Please choose only from the listed values."),
])
def test_bad_event_input_is_a_400_with_the_field_message(client, db, make_user, login_as, overrides, field,
                                                         message):
    login_as(make_user(Role.staff))
    response = client.post("/events/new", data=_form(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html[:1000]
    assert f'id="{field}-err"' in html and message in html
    assert _events(db) == []
    assert 'value="Jobmesse im Dock3"' in html or overrides.get("title_de") == ""  # what was typed stays


def test_only_one_title_language_is_enough_and_the_other_falls_back(client, db, make_user, login_as):
    login_as(make_user(Role.staff))
    response = client.post("/events/new", data=_form(title_en="", description_en=""))
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)  # the client reads English
    assert "Jobmesse im Dock3" in page and "Firmen des Industrieparks" in page


def test_staff_edit_an_event_and_a_new_start_makes_the_reminder_due_again(client, db, make_user, login_as,
                                                                          make_event, make_registration):
    event = make_event()
    graduate = make_user(Role.graduate)
    registration = make_registration(event, graduate, reminded_at=utcnow())
    login_as(make_user(Role.staff))
    form = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="Visit to LEAG"' in form
    response = client.post(f"/events/{event.id}/edit", data=_form(title_en="Visit to LEAG, new date"))
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    db.session.refresh(event)
    assert event.title_en == "Visit to LEAG, new date" and event.starts_at == datetime(2030, 3, 12, 9, 0)
    assert db.session.get(EventRegistration, registration.id).reminded_at is None


def test_edit_with_bad_input_keeps_the_saved_event(client, db, make_user, login_as, make_event):
    event = make_event()
    login_as(make_user(Role.staff))
    response = client.post(f"/events/{event.id}/edit", data=_form(ends_at="2030-03-11T10:00"))
    assert response.status_code == 400
    db.session.refresh(event)
    assert event.title_en == "Visit to LEAG"


def test_more_places_move_people_up_from_the_waiting_list(client, db, make_user, login_as, make_event,
                                                          make_registration, outbox):
    event = make_event(capacity=1)
    first, second = make_user(Role.graduate), make_user(Role.graduate)
    make_registration(event, first)
    waiting = make_registration(event, second, RegistrationStatus.waiting)
    login_as(make_user(Role.staff))
    data = _form(starts_at="2030-03-12T10:00", ends_at="2030-03-12T12:00", capacity="2")
    assert client.post(f"/events/{event.id}/edit", data=data).status_code == 302
    assert db.session.get(EventRegistration, waiting.id).status == RegistrationStatus.registered
    assert [m.kind for m in outbox(second.email)] == ["event_promoted"]


def test_staff_cancel_an_event_and_registrants_hear_of_it(client, db, make_user, login_as, make_event,
                                                          make_registration, outbox):
    event = make_event(capacity=1)
    registered, waiting, gone = make_user(Role.graduate), make_user(Role.graduate), make_user(Role.graduate)
    make_registration(event, registered)
    make_registration(event, waiting, RegistrationStatus.waiting)
    make_registration(event, gone, RegistrationStatus.cancelled)
    login_as(make_user(Role.staff))
    response = client.post(f"/events/{event.id}/cancel")
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.cancelled_at is not None
    login_as(registered)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "This event has been cancelled" in page and "You are registered." not in page
    login_as(make_user(Role.staff))
    assert [m.kind for m in outbox(registered.email)] == ["event_cancelled"]
    assert [m.kind for m in outbox(waiting.email)] == ["event_cancelled"]
    assert outbox(gone.email) == []
    again = client.post(f"/events/{event.id}/cancel")
    assert again.status_code == 303 and "already cancelled" in followed(client, again)


def test_staff_list_shows_upcoming_and_past_events_paginated(client, app, make_user, login_as, make_event):
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        make_event(title_en=f"Upcoming {n}", starts_at=utcnow() + timedelta(days=n + 1))
    make_event(title_en="Long ago", starts_at=utcnow() - timedelta(days=30))
    login_as(make_user(Role.admin))
    first = client.get("/events/manage").get_data(as_text=True)
    assert "Upcoming 0" in first and "Upcoming 1" in first and "Upcoming 2" not in first and "Long ago" not in first
    assert "Upcoming 2" in client.get("/events/manage?page=2").get_data(as_text=True)
    assert "Long ago" in client.get("/events/manage?when=past").get_data(as_text=True)


# ---- access -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.graduate, Role.company, Role.board, Role.researcher])
def test_only_staff_manage_events(client, make_user, make_company, login_as, make_event, company_user, role):
    event = make_event()
    user = company_user(make_company()) if role == Role.company else make_user(role)
    login_as(user)
    for url in ("/events/manage", "/events/new", f"/events/{event.id}/edit", f"/events/{event.id}/registrations",
                f"/events/{event.id}/registrations.csv", f"/events/{event.id}/attendance"):
        assert client.get(url).status_code == 403, url
    assert client.post("/events/new", data=_form()).status_code == 403
    assert client.post(f"/events/{event.id}/cancel").status_code == 403
    # The public pages are open to them.
    assert client.get("/events/").status_code == 200
    assert client.get(f"/events/{event.id}").status_code == 200


def test_board_members_read_but_cannot_register(client, db, make_user, login_as, make_event):
    event = make_event(audience=EventAudience.public)
    login_as(make_user(Role.board))
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Only graduates and company users register for events." in page
    assert client.post(f"/events/{event.id}/register").status_code == 403
    assert db.session.scalar(db.select(EventRegistration)) is None


# ---- registration -----------------------------------------------------------------------------

def test_graduate_registers_and_cancels(client, db, make_user, login_as, make_event):
    event = make_event(capacity=3)
    graduate = make_user(Role.graduate)
    login_as(graduate)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'action="/events/{event.id}/register"' in page
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert response.status_code == 200
    assert "You are registered." in response.get_data(as_text=True)
    assert _registration(db, event, graduate).status == RegistrationStatus.registered
    response = client.post(f"/events/{event.id}/unregister", follow_redirects=True)
    assert "Your registration is cancelled." in response.get_data(as_text=True)
    registration = _registration(db, event, graduate)
    assert registration.status == RegistrationStatus.cancelled and registration.cancelled_at is not None
    # Registering again after cancelling is allowed.
    assert client.post(f"/events/{event.id}/register").status_code == 302
    assert _registration(db, event, graduate).status == RegistrationStatus.registered


def test_registering_twice_is_refused(client, db, make_user, login_as, make_event):
    event = make_event()
    login_as(make_user(Role.graduate))
    assert client.post(f"/events/{event.id}/register").status_code == 302
    again = client.post(f"/events/{event.id}/register")
    assert again.status_code == 303
    assert "You are already registered for this event." in followed(client, again)
    assert db.session.scalar(db.select(db.func.count(EventRegistration.id))) == 1


def test_a_full_event_puts_people_on_the_waiting_list_and_the_first_moves_up_with_a_mail(
        client, db, make_user, login_as, make_event, outbox):
    event = make_event(capacity=1)
    first, second, third = (make_user(Role.graduate), make_user(Role.graduate, locale="de"),
                            make_user(Role.graduate))
    for user in (first, second, third):
        login_as(user)
        assert client.post(f"/events/{event.id}/register").status_code == 302
    assert [_registration(db, event, u).status for u in (first, second, third)] == [
        RegistrationStatus.registered, RegistrationStatus.waiting, RegistrationStatus.waiting]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)  # third is logged in
    assert "You are number 2 on the waiting list." in page
    again = client.post(f"/events/{event.id}/register")
    assert again.status_code == 303 and "already on the waiting list" in followed(client, again)

    login_as(first)
    assert client.post(f"/events/{event.id}/unregister").status_code == 302
    assert _registration(db, event, second).status == RegistrationStatus.registered
    assert _registration(db, event, third).status == RegistrationStatus.waiting
    (mail,) = outbox(second.email)
    assert mail.kind == "event_promoted"
    # In the person's language, German here.
    assert "Sie" in mail.body or "Ihr" in mail.body, mail.body
    assert "Besuch bei LEAG" in mail.body
    assert link_in(mail) == f"/events/{event.id}"
    assert outbox(third.email) == []
    login_as(third)
    assert "You are number 1 on the waiting list." in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_cancelled_and_past_events_refuse_registration(client, db, make_user, login_as, make_event):
    cancelled = make_event(cancelled_at=utcnow())
    past = make_event(starts_at=utcnow() - timedelta(days=2))
    running = make_event(starts_at=utcnow() - timedelta(minutes=30))
    login_as(make_user(Role.graduate))
    response = client.post(f"/events/{cancelled.id}/register")
    assert response.status_code == 303
    assert "This event has been cancelled, so registration is closed." in followed(client, response)
    for event in (past, running):
        response = client.post(f"/events/{event.id}/register")
        assert response.status_code == 303
        assert "already started or is over" in followed(client, response)
    assert db.session.scalar(db.select(EventRegistration)) is None
    # Past events stay reachable by id.
    assert client.get(f"/events/{past.id}").status_code == 200


@pytest.mark.parametrize("audience, graduate_may, company_may", [
    (EventAudience.graduates, True, False),
    (EventAudience.companies, False, True),
    (EventAudience.both, True, True),
    (EventAudience.public, True, True),
])
def test_the_audience_decides_who_may_register(client, db, make_user, make_company, company_user, login_as,
                                               make_event, audience, graduate_may, company_may):
    event = make_event(audience=audience)
    for user, may in ((make_user(Role.graduate), graduate_may), (company_user(make_company()), company_may)):
        login_as(user)
        response = client.post(f"/events/{event.id}/register")
        if may:
            assert response.status_code == 302
            assert _registration(db, event, user) is not None
        else:
            assert response.status_code == 403
            assert "cannot register for it" in response.get_data(as_text=True)
            assert _registration(db, event, user) is None


def test_a_pending_company_user_cannot_register(client, db, make_user, make_company, login_as, make_event):
    event = make_event()
    pending = make_user(Role.company, company_id=make_company().id, membership=Membership.pending)
    login_as(pending)
    response = client.post(f"/events/{event.id}/register")
    assert response.status_code == 403
    assert _registration(db, event, pending) is None


def test_refusals_are_in_the_users_language(client, make_user, login_as, make_event):
    event = make_event(audience=EventAudience.companies)
    login_as(make_user(Role.graduate, locale="de"))
    response = client.post(f"/events/{event.id}/register")
    assert response.status_code == 403
    assert "Absolvent" in response.get_data(as_text=True)


# ---- staff: the list, CSV, attendance ---------------------------------------------------------

def test_staff_see_registrations_and_export_them_without_formulas(client, db, make_user, make_profile, login_as,
                                                                  make_event, make_registration):
    event = make_event(capacity=1)
    graduate = make_user(Role.graduate)
    make_profile(user=graduate, name="=HYPERLINK(\"http://evil\")")
    waiting = make_user(Role.graduate, email="wartet@example.org")
    cancelled = make_user(Role.graduate, email="abgesagt@example.org")
    make_registration(event, graduate)
    make_registration(event, waiting, RegistrationStatus.waiting)
    make_registration(event, cancelled, RegistrationStatus.cancelled, cancelled_at=utcnow())
    staff = make_user(Role.staff)
    login_as(staff)
    page = client.get(f"/events/{event.id}/registrations").get_data(as_text=True)
    for text in ("Registered (1)", "Waiting list (1)", "Cancelled (1)", graduate.email, "wartet@example.org",
                 "abgesagt@example.org"):
        assert text in page
    response = client.get(f"/events/{event.id}/registrations.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["status"], r["email"]) for r in rows] == [
        ("registered", graduate.email), ("waiting", "wartet@example.org"), ("cancelled", "abgesagt@example.org")]
    assert rows[0]["name"] == "'=HYPERLINK(\"http://evil\")"
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "export_registrations")) is not None


def test_staff_record_attendance_after_the_start_with_walk_ins(client, db, make_user, login_as, make_event,
                                                               make_registration):
    event = make_event(starts_at=utcnow() - timedelta(hours=1))
    came, stayed_away = make_user(Role.graduate), make_user(Role.graduate)
    r_came = make_registration(event, came)
    r_away = make_registration(event, stayed_away)
    login_as(make_user(Role.staff))
    form = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert came.email in form and stayed_away.email in form
    response = client.post(f"/events/{event.id}/attendance", data={"attended": [str(r_came.id)], "walk_ins": "7"})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert db.session.get(EventRegistration, r_came.id).attended is True
    assert db.session.get(EventRegistration, r_away.id).attended is False
    db.session.refresh(event)
    assert event.walk_ins == 7
    bad = client.post(f"/events/{event.id}/attendance", data={"attended": [str(r_came.id)], "walk_ins": "-2"})
    assert bad.status_code == 400 and "Between 0 and" in bad.get_data(as_text=True)
    other = client.post(f"/events/{event.id}/attendance", data={"attended": ["999999"], "walk_ins": "1"})
    assert other.status_code == 400
    db.session.refresh(event)
    assert event.walk_ins == 7


def test_attendance_waits_for_the_start(client, db, make_user, login_as, make_event, make_registration):
    event = make_event()
    registration = make_registration(event, make_user(Role.graduate))
    login_as(make_user(Role.staff))
    assert "once the event has started" in client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    response = client.post(f"/events/{event.id}/attendance", data={"attended": [str(registration.id)],
                                                                    "walk_ins": "3"})
    assert response.status_code == 409
    db.session.refresh(event)
    assert event.walk_ins == 0 and db.session.get(EventRegistration, registration.id).attended is None


# ---- calendar ---------------------------------------------------------------------------------

def test_event_ics_parses_with_summary_start_end_and_location(client, make_event):
    event = make_event(starts_at=datetime(2030, 3, 12, 9, 0), venue="Halle 2", place=EventPlace.dock3)
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Visit to LEAG"
    assert entry.decoded("DTSTART") == datetime(2030, 3, 12, 9, 0, tzinfo=timezone.utc)
    assert entry.decoded("DTEND") == datetime(2030, 3, 12, 11, 0, tzinfo=timezone.utc)
    assert str(entry["LOCATION"]) == "Halle 2, Dock3 Lausitz"
    uid = str(entry["UID"])
    assert uid == f"event-{event.id}@127.0.0.1" or uid.startswith(f"event-{event.id}@")
    # The UID stays the same across edits, so calendars update the entry.
    event.title_en = "Visit to LEAG (new)"
    from matchmaker.extensions import db as _db
    _db.session.commit()
    (again,) = icalendar.Calendar.from_ical(client.get(f"/events/{event.id}.ics").data).walk("VEVENT")
    assert str(again["UID"]) == uid and str(again["SUMMARY"]) == "Visit to LEAG (new)"
    german = client.get(f"/events/{event.id}.ics", headers={"Accept-Language": "de"})
    (entry_de,) = icalendar.Calendar.from_ical(german.data).walk("VEVENT")
    assert str(entry_de["SUMMARY"]) == "Besuch bei LEAG"


def test_feed_carries_upcoming_events_only(client, make_event):
    soon = make_event(title_en="Soon")
    make_event(title_en="Over", starts_at=utcnow() - timedelta(days=3))
    called_off = make_event(title_en="Called off", cancelled_at=utcnow())
    response = client.get("/events/feed.ics")
    assert response.status_code == 200
    entries = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}
    assert set(entries) == {"Soon", "Called off"}
    assert entries["Soon"].decoded("DTSTART") == soon.starts_at.replace(tzinfo=timezone.utc)
    assert str(entries["Called off"]["STATUS"]) == "CANCELLED" and called_off.id


# ---- reminders --------------------------------------------------------------------------------

def test_reminder_the_day_before_once(runner, db, make_user, make_event, make_registration, outbox):
    # Tomorrow 10:00 in Berlin is 09:00 UTC on 13 March 2030; the run is at 08:00 UTC on the 12th.
    event = make_event(starts_at=datetime(2030, 3, 13, 9, 0))
    later = make_event(starts_at=datetime(2030, 3, 15, 9, 0), title_en="Later")
    graduate, waiting, cancelled = make_user(Role.graduate), make_user(Role.graduate), make_user(Role.graduate)
    registration = make_registration(event, graduate)
    make_registration(event, waiting, RegistrationStatus.waiting)
    make_registration(event, cancelled, RegistrationStatus.cancelled)
    make_registration(later, waiting)
    result = runner.invoke(args=["events", "remind", "--now", "2030-03-12T08:00"])
    assert result.exit_code == 0, result.output
    assert "reminders 1" in result.output
    (mail,) = outbox(graduate.email)
    assert mail.kind == "event_reminder" and "Visit to LEAG" in mail.body and "10:00" in mail.body
    assert outbox(waiting.email) == [] and outbox(cancelled.email) == []
    assert db.session.get(EventRegistration, registration.id).reminded_at == datetime(2030, 3, 12, 8, 0)
    again = runner.invoke(args=["events", "remind", "--now", "2030-03-12T09:00"])
    assert again.exit_code == 0 and "reminders 0" in again.output
    assert len(outbox(graduate.email)) == 1
    # Two days before is too early: the later event is reminded on its day before.
    assert outbox(waiting.email) == []
    runner.invoke(args=["events", "remind", "--now", "2030-03-14T08:00"])
    assert [m.kind for m in outbox(waiting.email)] == ["event_reminder"]


def test_reminder_is_not_sent_for_a_cancelled_event(runner, make_user, make_event, make_registration, outbox):
    event = make_event(starts_at=datetime(2030, 3, 13, 9, 0), cancelled_at=datetime(2030, 3, 1))
    graduate = make_user(Role.graduate)
    make_registration(event, graduate)
    result = runner.invoke(args=["events", "remind", "--now", "2030-03-12T08:00"])
    assert result.exit_code == 0 and "reminders 0" in result.output
    assert outbox(graduate.email) == []


def test_remind_refuses_a_bad_now(runner):
    result = runner.invoke(args=["events", "remind", "--now", "morgen"])
    assert result.exit_code != 0 and "ISO format" in result.output


# ---- public list and start page ---------------------------------------------------------------

def test_public_list_filters_and_paginates(client, app, make_event):
    app.config["PAGE_SIZE"] = 2
    make_event(title_en="Alpha fair", type=EventType.job_fair, place=EventPlace.dock3)
    make_event(title_en="Beta hours", type=EventType.office_hours, place=EventPlace.spremberg,
               starts_at=utcnow() + timedelta(days=11))
    make_event(title_en="Gamma webinar", type=EventType.talk, place=EventPlace.online, starts_at=utcnow() + timedelta(days=12))
    make_event(title_en="Delta past", starts_at=utcnow() - timedelta(days=5))
    first = client.get("/events/").get_data(as_text=True)
    assert "Alpha fair" in first and "Beta hours" in first and "Gamma webinar" not in first and "Delta past" not in first
    assert "Gamma webinar" in client.get("/events/?page=2").get_data(as_text=True)
    dock3 = client.get("/events/?place=dock3").get_data(as_text=True)
    assert "Alpha fair" in dock3 and "Beta hours" not in dock3
    talks = client.get("/events/?type=talk").get_data(as_text=True)
    assert "Gamma webinar" in talks and "Alpha fair" not in talks
    unknown = client.get("/events/?type=party")
    assert unknown.status_code == 200 and "Please choose one of the listed values." in unknown.get_data(as_text=True)
    empty = client.get("/events/?type=info_day").get_data(as_text=True)
    assert "No upcoming event matches these filters." in empty


def test_public_list_in_the_visitors_language(client, make_event):
    make_event(title_de="Nur Deutsch", title_en="")
    make_event(title_de="Tag der offenen Tür", title_en="Open day")
    english = client.get("/events/").get_data(as_text=True)
    assert "Nur Deutsch" in english and "Open day" in english
    german = client.get("/events/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Tag der offenen Tür" in german and "Open day" not in german


def test_start_page_shows_the_next_three_events(client, make_event):
    for n in range(4):
        make_event(title_en=f"Event number {n}", starts_at=utcnow() + timedelta(days=n + 1))
    make_event(title_en="Cancelled one", starts_at=utcnow() + timedelta(hours=5), cancelled_at=utcnow())
    page = client.get("/").get_data(as_text=True)
    assert all(f"Event number {n}" in page for n in range(3))
    assert "Event number 3" not in page and "Cancelled one" not in page
    assert 'href="/events/"' in page


def test_navigation_links(client, make_user, login_as):
    assert 'href="/events/"' in client.get("/").get_data(as_text=True)
    login_as(make_user(Role.staff))
    assert 'href="/events/manage"' in client.get("/staff/").get_data(as_text=True)


# ---- the person's rights ----------------------------------------------------------------------

def test_my_registrations_are_in_my_data_export(client, make_user, login_as, make_event, make_registration):
    graduate = make_user(Role.graduate)
    event = make_event()
    make_registration(event, graduate, RegistrationStatus.waiting)
    login_as(graduate)
    response = client.get("/account/data/export.json")
    assert response.status_code == 200
    data = json.loads(response.get_data(as_text=True))
    (entry,) = data["event_registrations"]
    assert entry["event_id"] == event.id and entry["status"] == "waiting" and entry["event_title"] == "Visit to LEAG"


def test_erasing_an_account_removes_its_registrations_and_keeps_attendance_as_a_number(
        app, db, make_user, make_event, make_registration, outbox):
    from matchmaker.gdpr.operations import erase_user

    graduate, next_in_line = make_user(Role.graduate), make_user(Role.graduate)
    past = make_event(starts_at=utcnow() - timedelta(days=20), walk_ins=2)
    upcoming = make_event(capacity=1)
    make_registration(past, graduate, attended=True)
    make_registration(upcoming, graduate)
    waiting = make_registration(upcoming, next_in_line, RegistrationStatus.waiting)
    erase_user(graduate)
    db.session.commit()
    assert db.session.scalars(db.select(EventRegistration).where(EventRegistration.user_id == graduate.id)).all() == []
    assert db.session.get(Event, past.id).walk_ins == 3
    assert db.session.get(EventRegistration, waiting.id).status == RegistrationStatus.registered
    assert [m.kind for m in outbox(next_in_line.email)] == ["event_promoted"]
