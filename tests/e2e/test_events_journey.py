"""Staff create an event, a graduate registers, staff record attendance, and a board member finds the attendance
in the report and prints it; the event pages fit a phone."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from matchmaker.models import Event, EventRegistration, RegistrationStatus, Role, utcnow

from .browsing import log_in, submit

pytestmark = pytest.mark.browser

STAFF = "veranstaltungen@praesenzstelle.example"
GRADUATE = "lena.schulz@example.org"
BOARD = "beirat@stadt-spremberg.example"


def test_staff_create_an_event_a_graduate_registers_staff_record_attendance_and_the_board_reads_it(
        page, new_page, live_db, make_account):
    make_account(Role.staff, STAFF)
    make_account(Role.graduate, GRADUATE, locale="de")
    make_account(Role.board, BOARD, locale="de")

    log_in(page, STAFF)
    page.goto("/staff/")
    with page.expect_navigation():
        page.locator("main nav a[href='/events/manage']").click()
    with page.expect_navigation():
        page.locator("main a[href='/events/new']").click()
    page.select_option("#type", "office_hours")
    page.fill("#title_de", "Sprechstunde in Spremberg")
    page.fill("#description_de", "Fragen zu Praktikum, Abschlussarbeit und Berufseinstieg.")
    page.select_option("#place", "spremberg")
    page.fill("#venue", "Präsenzstelle, Am Markt 1")
    page.fill("#starts_at", "2030-03-12T09:00")
    page.fill("#ends_at", "2030-03-12T08:00")  # before the start: refused at the field
    page.fill("#capacity", "1")
    page.select_option("#audience", "graduates")
    page.select_option("#field_of_action", "on_site")
    submit(page)
    expect(page.locator("#ends_at-err")).to_contain_text("Das Ende muss nach dem Beginn liegen.")
    page.fill("#ends_at", "2030-03-12T12:00")
    submit(page)
    expect(page.locator("h1")).to_have_text("Sprechstunde in Spremberg")
    event_id = int(re.search(r"/events/(\d+)$", page.url).group(1))

    graduate = new_page("de-DE")
    graduate.set_viewport_size({"width": 390, "height": 844})
    log_in(graduate, GRADUATE)
    graduate.goto("/events/")
    with graduate.expect_navigation():
        graduate.get_by_role("link", name="Sprechstunde in Spremberg").click()
    with graduate.expect_navigation():
        graduate.get_by_role("button", name="Für diese Veranstaltung anmelden").click()
    expect(graduate.locator("main")).to_contain_text("Sie sind angemeldet.")
    for path in ("/events/", f"/events/{event_id}", "/"):
        graduate.goto(path)
        overflow = graduate.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)

    # The event has taken place.
    def move_into_the_past(db):
        event = db.session.get(Event, event_id)
        event.starts_at = utcnow() - timedelta(hours=3)
        event.ends_at = utcnow() - timedelta(hours=1)
        db.session.commit()

    live_db(move_into_the_past)
    page.goto(f"/events/{event_id}/attendance")
    page.get_by_label(re.compile(re.escape(GRADUATE))).check()
    page.fill("#walk_ins", "4")
    submit(page)
    expect(page.locator("main")).to_contain_text("Die Teilnahme ist gespeichert.")

    def attendance(db):
        event = db.session.get(Event, event_id)
        (registration,) = db.session.scalars(db.select(EventRegistration).where(
            EventRegistration.event_id == event_id))
        return registration.status, registration.attended, event.walk_ins

    assert live_db(attendance) == (RegistrationStatus.registered, True, 4)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/events/manage?when=past", f"/events/{event_id}/registrations", f"/events/{event_id}/edit"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)

    # The board member reads this quarter's report: the registered graduate and the four walk-ins.
    board = new_page("de-DE")
    log_in(board, BOARD)
    expect(board).to_have_url(re.compile(r"/report/$"))
    row = board.locator("#table-on_site tr", has_text="Teilnahme an diesen Veranstaltungen")
    expect(row).to_contain_text("5")
    assert board.locator("svg.chart").count() >= 1
    pdf = PdfReader(io.BytesIO(board.pdf(prefer_css_page_size=True)))
    text = unicodedata.normalize("NFKC", " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages))
    assert "BTU vor Ort in Spremberg" in text and "Teilnahme an diesen Veranstaltungen" in text
