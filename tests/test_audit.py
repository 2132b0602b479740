"""Who looked at my data (each graduate their own entries only) and the staff's CSV export."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from matchmaker.audit import record_audit
from matchmaker.models import AuditEntry, IntroductionState, Membership, Role, Side, utcnow


@pytest.fixture
def scene(db, make_user, make_company, make_profile, company_user):
    """Two graduates; a company and the Präsenzstelle looked at the first, another company at the second."""
    alice = make_user(Role.graduate, email="alice@example.org")
    make_profile(user=alice, name="Alice Vertraulich")
    bob = make_user(Role.graduate, email="bob@example.org")
    make_profile(user=bob, name="Bob Vertraulich")
    viewer = company_user(make_company(name="Lausitz Energie GmbH"))
    other = company_user(make_company(name="Andere Werke AG"))
    staff = make_user(Role.staff, email="referentin@praesenzstelle.example")
    record_audit(viewer, "view_profile", subject=alice, obj=alice.profile)
    record_audit(staff, "view_contact", subject=alice, obj=alice.profile)
    record_audit(other, "view_profile", subject=bob, obj=bob.profile)
    db.session.commit()
    return {"alice": alice, "bob": bob, "viewer": viewer, "other": other, "staff": staff}


def test_graduate_sees_who_looked_at_their_data_and_nothing_else(client, login_as, scene):
    login_as(scene["alice"])
    response = client.get("/me/privacy/log")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Lausitz Energie GmbH" in body and "Präsenzstelle" in body
    assert "Opened your full profile" in body and "Saw your contact data" in body
    assert "Andere Werke AG" not in body and "referentin@" not in body and body.count("<tr>") == 3

    login_as(scene["bob"])
    body = client.get("/me/privacy/log").get_data(as_text=True)
    assert "Andere Werke AG" in body and "Lausitz Energie GmbH" not in body


def test_empty_log_says_what_it_will_show(client, login_as, make_user):
    login_as(make_user(Role.graduate))
    body = client.get("/me/privacy/log").get_data(as_text=True)
    assert 'class="empty"' in body


def test_log_access(client, login_as, make_user, scene):
    response = client.get("/me/privacy/log")
    assert response.status_code == 302 and response.location.startswith("/auth/login")
    for user in (scene["viewer"], scene["staff"], make_user(Role.board)):
        login_as(user)
        assert client.get("/me/privacy/log").status_code == 403


def rows(response) -> list[dict]:
    """The CSV's rows without the entries the exports themselves wrote."""
    return [row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))
            if row["action"] != "export_audit"]


def test_staff_export_csv_is_logged_and_names_no_graduate(client, db, login_as, scene):
    login_as(scene["staff"])
    response = client.get("/staff/audit/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = rows(response)
    assert [row["action"] for row in data] == ["view_profile", "view_contact", "view_profile"]
    assert data[0]["actor_email"] == scene["viewer"].email
    assert data[0]["subject_user_id"] == str(scene["alice"].id)
    text = response.get_data(as_text=True)
    assert "Vertraulich" not in text and "alice@example.org" not in text
    (export,) = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "export_audit"))
    assert export.actor_id == scene["staff"].id
    assert "export_audit" in text  # the export lists itself


def test_export_is_safe_against_formulas(client, db, login_as, make_user, scene):
    evil = make_user(Role.company, email="=cmd@example.org")
    record_audit(evil, "=HYPERLINK(\"http://x\")", subject=scene["alice"])
    record_audit(evil, "+SUM(1)", subject=scene["alice"])
    record_audit(evil, "@import", subject=scene["alice"])
    record_audit(evil, "-2+3", subject=scene["alice"])
    db.session.commit()
    login_as(scene["staff"])
    data = rows(client.get("/staff/audit/export.csv"))
    assert {row["action"] for row in data[-4:]} == {"'=HYPERLINK(\"http://x\")", "'+SUM(1)", "'@import", "'-2+3"}
    assert data[-1]["actor_email"] == "'=cmd@example.org"
    for row in data:
        for value in row.values():
            assert not value or value[0] not in "=+-@"


def test_export_filters_by_date(client, db, login_as, scene):
    entries = list(db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)))
    for entry, day in zip(entries, (datetime(2026, 1, 10, 23, 59), datetime(2026, 2, 1, 0, 0), datetime(2026, 3, 5))):
        entry.created_at = day
    db.session.commit()
    login_as(scene["staff"])
    data = rows(client.get("/staff/audit/export.csv?start=2026-01-10&end=2026-02-01"))
    assert [row["id"] for row in data] == [str(entries[0].id), str(entries[1].id)]
    data = rows(client.get("/staff/audit/export.csv?start=2026-02-02"))
    assert [row["id"] for row in data] == [str(entries[2].id)]
    page = client.get("/staff/audit?start=2026-03-01")
    assert page.status_code == 200 and "view_profile" in page.get_data(as_text=True)


@pytest.mark.parametrize("query", ["start=yesterday", "start=2026-02-30", "end=2026-13-01", "start=9999-12-31",
                                   "start=0001-01-01", "start=2026-03-01&end=2026-02-01", "end=%3Cscript%3E",
                                   "start=2026-01-01%00", "start=" + "9" * 300])
def test_bad_filters_answer_400_and_export_nothing(client, db, login_as, scene, query):
    login_as(scene["staff"])
    for path in ("/staff/audit/export.csv", "/staff/audit"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert "<script>" not in response.get_data(as_text=True)
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "export_audit")) is None


def test_bad_filter_message_is_at_the_field(client, login_as, scene):
    login_as(scene["staff"])
    body = client.get("/staff/audit?start=2026-03-01&end=2026-02-01").get_data(as_text=True)
    assert 'class="errors"' in body and "must not be before" in body and 'value="2026-03-01"' in body


def test_audit_access(client, login_as, make_user, scene):
    for path in ("/staff/audit", "/staff/audit/export.csv"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/auth/login")
    for user in (scene["alice"], scene["viewer"], make_user(Role.board), make_user(Role.researcher)):
        login_as(user)
        for path in ("/staff/audit", "/staff/audit/export.csv"):
            assert client.get(path).status_code == 403
    login_as(make_user(Role.admin))
    assert client.get("/staff/audit").status_code == 200


# ---- companies seeing pseudonymous cards ------------------------------------------------------

@pytest.fixture
def fits(make_profile, make_offer):
    """An offer and three findable graduates who fit it."""
    offer = make_offer(title="Verfahrensingenieur process engineering", required_skills=["process engineering"])
    profiles = [make_profile(name=f"Karla Karte {i}", headline="Process engineering graduate",
                             skills=["process engineering"], visible_to_companies=True, wanted_kinds=[])
                for i in range(3)]
    return offer, profiles


def card_views(db) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "view_card")
                                   .order_by(AuditEntry.id)))


def _fits_page(client, offer, page: int = 1) -> str:
    response = client.get(f"/matches/offers/{offer.id}/graduates?page={page}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_company_views_of_cards_are_logged_once_per_company_card_and_day(app, client, db, login_as, make_user,
                                                                          fits, company_user):
    offer, profiles = fits
    member = company_user(offer.company)
    login_as(member)
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "audit_entry" in statement:
            statements.append(statement.split()[0].upper())

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        body = _fits_page(client, offer)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert all(p.pseudonym in body for p in profiles)
    # One query for the day's entries, one insert for all new ones.
    assert statements == ["SELECT", "INSERT"]
    entries = card_views(db)
    assert sorted((e.subject_user_id, e.object_id) for e in entries) == sorted((p.user_id, p.id) for p in profiles)
    assert {e.actor_id for e in entries} == {member.id}

    # The same day: again, and a colleague of the same company, add nothing.
    _fits_page(client, offer)
    colleague = make_user(Role.company, company_id=offer.company_id, membership=Membership.active)
    login_as(colleague)
    _fits_page(client, offer)
    assert len(card_views(db)) == 3

    # The next day (the day's entries moved back by one day) they are logged again.
    for entry in card_views(db):
        entry.created_at -= timedelta(days=1)
    db.session.commit()
    _fits_page(client, offer)
    assert len(card_views(db)) == 6

    # The graduate's page names the company, once per day.
    login_as(profiles[0].user)
    log = client.get("/me/privacy/log").get_data(as_text=True)
    assert offer.company.name in log and log.count("Looked at your pseudonymous card") == 2
    assert member.email not in log and colleague.email not in log


def test_only_the_cards_on_the_page_shown_are_logged(app, client, db, login_as, fits, company_user):
    app.config["PAGE_SIZE"] = 2
    offer, profiles = fits
    login_as(company_user(offer.company))
    _fits_page(client, offer)
    assert len(card_views(db)) == 2
    _fits_page(client, offer, page=2)
    assert sorted(e.object_id for e in card_views(db)) == sorted(p.id for p in profiles)


def test_staff_looking_at_fits_writes_no_card_views(client, db, login_as, make_user, fits):
    offer, profiles = fits
    login_as(make_user(Role.staff))
    body = _fits_page(client, offer)
    assert profiles[0].pseudonym in body
    assert card_views(db) == []


def test_company_sees_the_card_on_an_introduction_and_it_is_logged_once_a_day(client, db, login_as, fits,
                                                                               company_user, make_introduction):
    offer, profiles = fits
    intro = make_introduction(IntroductionState.accepted_by_graduate, offer=offer, profile=profiles[0],
                              started_by=Side.graduate)
    login_as(company_user(offer.company))
    for _ in range(2):
        response = client.get(f"/introductions/{intro.id}")
        assert response.status_code == 200 and profiles[0].pseudonym in response.get_data(as_text=True)
    [entry] = card_views(db)
    assert (entry.subject_user_id, entry.object_id) == (profiles[0].user_id, profiles[0].id)
    # The graduate themself opening it is no card view.
    login_as(profiles[0].user)
    assert client.get(f"/introductions/{intro.id}").status_code == 200
    assert len(card_views(db)) == 1


def test_opening_an_introduction_again_and_again_logs_one_view_per_viewer_and_day(
        client, login_as, make_user, make_introduction, db):
    introduction = make_introduction(IntroductionState.introduced)
    staff = make_user(Role.staff)
    login_as(staff)
    for _ in range(5):
        assert client.get(f"/introductions/{introduction.id}").status_code == 200
    views = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "view_contact", AuditEntry.actor_id == staff.id)).all()
    assert len(views) == 1 and views[0].object_id == introduction.id

    other = make_user(Role.staff)
    login_as(other)
    assert client.get(f"/introductions/{introduction.id}").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "view_contact")) == 2


def test_a_view_logged_yesterday_is_logged_again_today_and_changes_are_always_logged(db, make_user, make_profile):
    graduate = make_user(Role.graduate)
    profile = make_profile(user=graduate)
    staff = make_user(Role.staff)
    yesterday = utcnow() - timedelta(days=1)
    record_audit(staff, "view_profile", subject=graduate, obj=profile, now=yesterday)
    record_audit(staff, "view_profile", subject=graduate, obj=profile)
    record_audit(staff, "view_profile", subject=graduate, obj=profile)
    for _ in range(3):
        record_audit(staff, "introduction_note", subject=graduate, obj=profile)
    db.session.commit()
    actions = [entry.action for entry in db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.actor_id == staff.id))]
    assert actions.count("view_profile") == 2 and actions.count("introduction_note") == 3
