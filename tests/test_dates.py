"""Dates and times: one format per locale, always in Europe/Berlin (also across a DST change), and CSV
exports that say which time zone their times are in."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from flask_babel import force_locale

from matchmaker import i18n
from matchmaker.audit import record_audit
from matchmaker.models import AuditEntry, EventRegistration, RegistrationStatus, Role

# 2026-03-29: clocks go from 02:00 CET to 03:00 CEST; 2026-10-25: back from 03:00 CEST to 02:00 CET.
SPRING_AFTER = datetime(2026, 3, 29, 1, 30)  # 03:30 CEST
WINTER = datetime(2026, 1, 15, 23, 30)  # 00:30 CET on 16 January: the Berlin day differs from the UTC day
AUTUMN_BEFORE = datetime(2026, 10, 25, 0, 30)  # 02:30 CEST
AUTUMN_AFTER = datetime(2026, 10, 25, 1, 30)  # 02:30 CET


@pytest.mark.parametrize("locale, value, expected", [
    ("de", SPRING_AFTER, "29.03.2026, 03:30"),
    ("en", SPRING_AFTER, "29 Mar 2026, 03:30"),
    ("de", WINTER, "16.01.2026, 00:30"),
    ("en", WINTER, "16 Jan 2026, 00:30"),
    ("de", AUTUMN_BEFORE, "25.10.2026, 02:30"),
    ("de", AUTUMN_AFTER, "25.10.2026, 02:30"),
])
def test_datetime_filter_is_one_format_per_locale_in_berlin(app, locale, value, expected):
    with app.test_request_context(), force_locale(locale):
        render = app.jinja_env.from_string
        assert render("{{ v|datetime }}").render(v=value) == expected
        # Babel's style names, as some templates pass them, give the same one format
        assert render("{{ v|datetime('short') }}").render(v=value) == expected
        assert render("{{ v|datetime('medium') }}").render(v=value) == expected


@pytest.mark.parametrize("locale, expected_date, expected_month", [
    ("de", "16.01.2026", "Januar 2026"), ("en", "16 Jan 2026", "January 2026")])
def test_date_filter_takes_stored_times_to_the_berlin_day(app, locale, expected_date, expected_month):
    with app.test_request_context(), force_locale(locale):
        render = app.jinja_env.from_string
        assert render("{{ v|date }}").render(v=WINTER) == expected_date
        assert render("{{ v|date }}").render(v=date(2026, 1, 16)) == expected_date
        assert render("{{ v|date('month') }}").render(v=date(2026, 1, 16)) == expected_month
        assert render("{{ v|date }}").render(v=None) == ""


def test_event_times_carry_the_weekday_in_both_locales(app):
    with app.test_request_context():
        with force_locale("de"):
            assert i18n.format_datetime(AUTUMN_AFTER, "weekday") == "So. 25.10.2026, 02:30"
        with force_locale("en"):
            assert i18n.format_datetime(AUTUMN_AFTER, "weekday") == "Sun 25 Oct 2026, 02:30"


def test_no_template_uses_its_own_date_pattern():
    """Every template names a kind of the house formats, never a Babel pattern of its own."""
    allowed = {"", "'short'", "'month'", "'weekday'", "'date'", "'datetime'"}
    for path in i18n.ROOT.joinpath("templates").rglob("*.*"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"\|\s*(?:date|datetime)\b(\([^)]*\))?", text):
            argument = (match.group(1) or "()")[1:-1].strip()
            assert argument in allowed, f"{path}: {match.group(0)}"


def test_csv_time_is_iso_with_the_berlin_offset():
    assert i18n.csv_time(SPRING_AFTER) == "2026-03-29T03:30:00+02:00"
    assert i18n.csv_time(AUTUMN_AFTER) == "2026-10-25T02:30:00+01:00"
    assert i18n.csv_time(None) == ""


@pytest.mark.parametrize("locale, expected", [("de", "29.03.2026, 03:30"), ("en", "29 Mar 2026, 03:30")])
def test_privacy_log_shows_berlin_time_in_the_users_locale(client, db, login_as, make_user, locale, expected):
    graduate = make_user(Role.graduate, locale=locale)
    staff = make_user(Role.staff)
    entry = record_audit(staff, "view_profile", subject=graduate, obj=graduate)
    entry.created_at = SPRING_AFTER
    db.session.commit()
    login_as(graduate)
    body = client.get("/me/privacy/log").get_data(as_text=True)
    assert expected in body


def test_audit_csv_states_the_time_zone_and_converts(client, db, login_as, make_user):
    staff = make_user(Role.staff)
    record_audit(staff, "view_profile", obj=staff)
    db.session.commit()
    entry = db.session.scalars(db.select(AuditEntry)).one()
    entry.created_at = AUTUMN_AFTER
    db.session.commit()
    login_as(staff)
    response = client.get("/staff/audit/export.csv?start=2026-10-25&end=2026-10-25")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert "created_at (Europe/Berlin)" in rows[0]
    assert [row["created_at (Europe/Berlin)"] for row in rows if row["action"] == "view_profile"] == [
        "2026-10-25T02:30:00+01:00"]


def test_audit_range_counts_berlin_days(client, db, login_as, make_user):
    staff = make_user(Role.staff)
    record_audit(staff, "view_profile", obj=staff)
    db.session.commit()
    entry = db.session.scalars(db.select(AuditEntry)).one()
    entry.created_at = WINTER  # 15 January in UTC, 16 January in Berlin
    db.session.commit()
    login_as(staff)

    def actions(query):
        text = client.get(f"/staff/audit/export.csv?{query}").get_data(as_text=True)
        return [row["action"] for row in csv.DictReader(io.StringIO(text)) if row["action"] != "export_audit"]

    assert actions("start=2026-01-16&end=2026-01-16") == ["view_profile"]
    assert actions("start=2026-01-15&end=2026-01-15") == []


def test_event_registrations_csv_states_the_time_zone(client, db, login_as, make_user, make_event):
    staff = make_user(Role.staff)
    graduate = make_user(Role.graduate)
    event = make_event()
    db.session.add(EventRegistration(event=event, user=graduate, status=RegistrationStatus.registered,
                                     created_at=SPRING_AFTER))
    db.session.commit()
    login_as(staff)
    response = client.get(f"/events/{event.id}/registrations.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    assert rows[0]["registered_at (Europe/Berlin)"] == "2026-03-29T03:30:00+02:00"
    assert rows[0]["cancelled_at (Europe/Berlin)"] == ""
