"""Fields a form does not have change nothing, whatever a request adds to the form.

Each form is submitted with valid data (so that it saves) plus fields named after protected columns
(`role`, `company_id`, `verified_at`, `membership`, `status`, …). The protected columns of every row are
compared before and after; new rows get the values the application chooses, not the posted ones.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers import PASSWORD

from matchmaker.models import (Company, Event, EventRegistration, GraduateProfile, Membership, Offer, OfferStatus,
                               RegistrationStatus, Role, User, utcnow)

NEW_PASSWORD = "violet tram orbit seven"

# Columns no form may set, except where a case says so.
PROTECTED = {
    User: ("email", "password_hash", "role", "company_id", "membership", "active", "confirmed_at", "is_demo",
           "session_version", "totp_secret", "totp_enabled_at", "alerts_enabled", "privacy_version"),
    Company: ("name", "verified_at", "rejected_at", "rejection_reason", "is_demo", "created_at"),
    GraduateProfile: ("user_id", "visible_to_companies", "consent_at", "is_demo", "cv_file", "created_at"),
    Offer: ("company_id", "created_by_id", "status", "published_at", "expires_at", "is_demo", "created_at", "feed_id",
            "feed_key", "feed_vanished_at"),
    Event: ("created_by_id", "walk_ins", "cancelled_at", "created_at"),
    EventRegistration: ("event_id", "user_id", "status", "attended", "reminded_at", "cancelled_at", "created_at"),
}


def extras(world) -> dict:
    """Everything an attacker might add, aimed at the other company and the other user."""
    return {
        "role": "admin", "company_id": str(world["other_company"].id), "verified_at": "2020-01-01 00:00:00",
        "membership": "active", "active": "1", "confirmed_at": "2020-01-01 00:00:00",
        "user_id": str(world["other_user"].id), "status": "published", "published_at": "2020-01-01 00:00:00",
        "expires_at": "2099-01-01 00:00:00", "is_demo": "1", "session_version": "99", "visible_to_companies": "y",
        "id": str(world["other_offer"].id), "created_by_id": str(world["other_user"].id),
        "rejected_at": "2020-01-01", "rejection_reason": "injected", "consent_at": "2020-01-01",
        "totp_secret": "JBSWY3DPEHPK3PXP", "totp_enabled_at": "2020-01-01", "password_hash": "x",
        "alerts_enabled": "1", "privacy_version": "999", "name": "Injected Name", "email": "injected@example.org",
        "offer_id": str(world["other_offer"].id), "profile_id": str(world["other_profile"].id),
        "cv_file": "../../etc/passwd", "locale": "xx",
        "walk_ins": "99", "cancelled_at": "2020-01-01 00:00:00", "attended": "1", "reminded_at": "2020-01-01",
        "event_id": "1", "registered_count": "0", "feed_id": "1", "feed_key": "injected",
        "feed_vanished_at": "2020-01-01 00:00:00",
    }


def snapshot(db) -> dict:
    state = {}
    for model, columns in PROTECTED.items():
        for row in db.session.scalars(db.select(model)):
            state[(model.__name__, row.id)] = {name: getattr(row, name) for name in columns}
    return state


def changes(before: dict, after: dict) -> dict:
    """(model, id) -> {column: (before, after)} for rows that existed before; new rows -> 'new'."""
    found = {}
    for key, row in after.items():
        if key not in before:
            found[key] = "new"
            continue
        diff = {name: (before[key][name], value) for name, value in row.items() if before[key][name] != value}
        if diff:
            found[key] = diff
    return found


@pytest.fixture
def world(db, make_user, make_company, make_offer, make_profile, company_user):
    company = make_company(name="Eigene GmbH")
    other_company = make_company(name="Andere AG")
    pending_company = make_company(name="Wartend GmbH", verified=False)
    graduate = make_user(Role.graduate)
    profile = make_profile(user=graduate, visible_to_companies=False)
    other_user = make_user(Role.graduate)
    other_profile = make_profile(user=other_user, visible_to_companies=True)
    return {"company": company, "member": company_user(company), "other_company": other_company,
            "pending_company": pending_company, "graduate": graduate, "profile": profile,
            "other_user": other_user, "other_profile": other_profile,
            "draft": make_offer(company=company, published=False, title="Entwurf (m/w/d)"),
            "other_offer": make_offer(company=other_company, published=False, title="Fremd (m/w/d)")}


def _post(client, url, data, world, expect=302):
    response = client.post(url, data={**extras(world), **data})
    assert response.status_code == expect, response.get_data(as_text=True)[:1500]
    return response


def _only(found: dict, allowed: dict) -> None:
    """`found` changes are within `allowed`: (model, id) -> set of columns that may change."""
    unexpected = {}
    for key, diff in found.items():
        if diff == "new":
            continue
        extra = {name: values for name, values in diff.items() if name not in allowed.get(key, set())}
        if extra:
            unexpected[key] = extra
    assert not unexpected, unexpected


def _new(db, before, after, model):
    return [db.session.get(model, key[1]) for key in after if key not in before and key[0] == model.__name__]


def test_graduate_registration(client, db, world):
    before = snapshot(db)
    _post(client, "/auth/register", {"email": "neu@example.org", "password": PASSWORD, "password_again": PASSWORD,
                                     "accept_privacy": "y"}, world)
    after = snapshot(db)
    _only(changes(before, after), {})
    (user,) = _new(db, before, after, User)
    assert (user.email, user.role, user.company_id, user.membership, user.confirmed_at, user.is_demo,
            user.session_version, user.totp_secret, user.alerts_enabled) == (
        "neu@example.org", Role.graduate, None, None, None, False, 0, None, False)
    assert user.privacy_version != "999"
    assert all(not p.visible_to_companies for p in _new(db, before, after, GraduateProfile))


def test_company_registration_new_company(client, db, world):
    before = snapshot(db)
    _post(client, "/auth/register/company", {
        "email": "chefin@example.org", "password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y",
        "mode": "new", "company_name": "Neue Werke GmbH", "sector": "energy"}, world)
    after = snapshot(db)
    _only(changes(before, after), {})
    (user,) = _new(db, before, after, User)
    (company,) = _new(db, before, after, Company)
    assert (company.name, company.verified_at, company.rejected_at, company.is_demo) == (
        "Neue Werke GmbH", None, None, False)
    assert (user.role, user.company_id, user.confirmed_at, user.is_demo) == (Role.company, company.id, None, False)


def test_company_registration_joining_stays_pending(client, db, world):
    before = snapshot(db)
    _post(client, "/auth/register/company", {
        "email": "kollege@example.org", "password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y",
        "mode": "join", "existing_company": str(world["company"].id)}, world)
    after = snapshot(db)
    _only(changes(before, after), {})
    (user,) = _new(db, before, after, User)
    assert (user.role, user.company_id, user.membership) == (Role.company, world["company"].id, Membership.pending)


def test_graduate_profile(client, db, world, login_as):
    login_as(world["graduate"])
    before = snapshot(db)
    data = {"name": "Alex Neu", "headline": "Chemist", "about": "", "study_programme": "", "study_other": "Chemie",
            "degree": "master", "graduation_date": "", "skills": "Python, Analytik", "wanted_kinds": "job",
            "languages-0-language": "de", "languages-0-level": "C1", "earliest_start": "", "places": "Cottbus",
            "cv_text": ""}
    # The profile form has its own visibility box (unticked here): that one is not an extra field.
    injected = {name: value for name, value in extras(world).items() if name != "visible_to_companies"}
    response = client.post("/me/profile", data={**injected, **data})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    after = snapshot(db)
    _only(changes(before, after), {})
    profile = db.session.get(GraduateProfile, world["profile"].id)
    assert (profile.name, profile.user_id, profile.visible_to_companies) == ("Alex Neu", world["graduate"].id, False)


def test_visibility(client, db, world, login_as):
    login_as(world["graduate"])
    before = snapshot(db)
    client.post("/me/visibility", data={**extras(world), "visible": "1"})
    after = snapshot(db)
    key = ("GraduateProfile", world["profile"].id)
    _only(changes(before, after), {key: {"visible_to_companies", "consent_at"}})
    assert db.session.get(GraduateProfile, world["other_profile"].id).user_id == world["other_user"].id


def test_company_profile(client, db, world, login_as):
    login_as(world["member"])
    before = snapshot(db)
    _post(client, "/companies/mine/edit", {"sector": "chemicals", "site": "Spremberg", "about": "Neu.",
                                            "website": "https://example.org", "contact_email": "info@example.org"},
          world)
    after = snapshot(db)
    _only(changes(before, after), {})
    company = db.session.get(Company, world["company"].id)
    assert (company.about, company.name) == ("Neu.", "Eigene GmbH")


def _offer_data(**fields):
    return {"kind": "internship", "title": "Praktikum Leitwarte (m/w/d)", "description": "Mitarbeit.",
            "required_skills": "SPS", "nice_skills": "", "fields_other": "", "degree": "", "min_german_level": "",
            "start_date": (date.today() + timedelta(days=20)).isoformat(), "duration_months": "6",
            "place": "Spremberg", "remote_share": "0", "language": "de", "end_date": "", **fields}


def test_new_offer_is_a_draft_of_the_own_company(client, db, world, login_as):
    login_as(world["member"])
    before = snapshot(db)
    _post(client, "/offers/new", _offer_data(), world)
    after = snapshot(db)
    _only(changes(before, after), {})
    (offer,) = _new(db, before, after, Offer)
    assert (offer.company_id, offer.status, offer.published_at, offer.expires_at, offer.is_demo,
            offer.created_by_id) == (world["company"].id, OfferStatus.draft, None, None, False, world["member"].id)


def test_offer_edit(client, db, world, login_as):
    login_as(world["member"])
    before = snapshot(db)
    _post(client, f"/offers/{world['draft'].id}/edit", _offer_data(title="Neuer Titel (m/w/d)"), world)
    after = snapshot(db)
    _only(changes(before, after), {})
    offer = db.session.get(Offer, world["draft"].id)
    assert (offer.title, offer.status, offer.company_id) == ("Neuer Titel (m/w/d)", OfferStatus.draft,
                                                            world["company"].id)


def test_publish_takes_nothing_from_the_request(client, db, world, login_as):
    login_as(world["member"])
    before = snapshot(db)
    _post(client, f"/offers/{world['draft'].id}/publish", {}, world)
    after = snapshot(db)
    key = ("Offer", world["draft"].id)
    _only(changes(before, after), {key: {"status", "published_at", "expires_at"}})
    offer = db.session.get(Offer, world["draft"].id)
    assert offer.published_at.year != 2020 and offer.expires_at.year != 2099


def test_change_password(client, db, world, login_as):
    login_as(world["member"])
    before = snapshot(db)
    _post(client, "/auth/password", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                     "password_again": NEW_PASSWORD}, world)
    after = snapshot(db)
    # A new password ends the other sessions: the hash and the session version change, nothing else.
    _only(changes(before, after), {("User", world["member"].id): {"password_hash", "session_version"}})
    assert db.session.get(User, world["member"].id).session_version == before[("User", world["member"].id)][
        "session_version"] + 1


def test_alert_settings(client, db, world, login_as):
    # Alerts on, switched off by the form while the extras ask for them on (alerts_enabled=1): the form's
    # value must win and be the only change. With alerts off to begin with, a post that changed nothing
    # at all would have passed too.
    graduate = world["graduate"]
    graduate.alerts_enabled = True
    db.session.commit()
    login_as(graduate)
    before = snapshot(db)
    _post(client, "/alerts/settings", {"enabled": "0"}, world)
    after = snapshot(db)
    key = ("User", graduate.id)
    assert changes(before, after) == {key: {"alerts_enabled": (True, False)}}
    _only(changes(before, after), {key: {"alerts_enabled"}})


def test_staff_rejection_changes_only_that_company(client, db, world, make_user, login_as):
    login_as(make_user(Role.staff))
    before = snapshot(db)
    _post(client, f"/staff/companies/{world['pending_company'].id}/reject", {"reason": "Kein Unternehmen im Park."},
          world)
    after = snapshot(db)
    key = ("Company", world["pending_company"].id)
    _only(changes(before, after), {key: {"rejected_at", "rejection_reason"}})
    assert db.session.get(Company, key[1]).rejection_reason == "Kein Unternehmen im Park."


def _event_data(**fields) -> dict:
    return {"type": "talk", "title_de": "Vortrag Wasserstoff", "title_en": "", "description_de": "Ein Vortrag.",
            "description_en": "", "place": "spremberg", "venue": "", "starts_at": "2030-05-02T18:00",
            "ends_at": "2030-05-02T19:30", "capacity": "", "audience": "public", "field_of_action": "innovation",
            **fields}


def test_new_event_takes_only_the_form_fields(client, db, world, make_user, login_as):
    staff = make_user(Role.staff)
    login_as(staff)
    before = snapshot(db)
    _post(client, "/events/new", _event_data(), world)
    after = snapshot(db)
    _only(changes(before, after), {})
    (event,) = _new(db, before, after, Event)
    assert (event.created_by_id, event.walk_ins, event.cancelled_at, event.title_de) == (
        staff.id, 0, None, "Vortrag Wasserstoff")


def test_registering_takes_nothing_from_the_request(client, db, world, make_event, make_registration, login_as):
    event = make_event(capacity=1)
    make_registration(event, world["other_user"])
    login_as(world["graduate"])
    before = snapshot(db)
    _post(client, f"/events/{event.id}/register", {"status": "registered"}, world)
    after = snapshot(db)
    _only(changes(before, after), {})
    (registration,) = _new(db, before, after, EventRegistration)
    assert (registration.user_id, registration.event_id, registration.status, registration.attended,
            registration.reminded_at) == (world["graduate"].id, event.id, RegistrationStatus.waiting, None, None)


def test_attendance_changes_only_attendance_and_walk_ins(client, db, world, make_user, make_event,
                                                         make_registration, login_as):
    event = make_event(starts_at=utcnow() - timedelta(hours=1))
    came = make_registration(event, world["graduate"])
    login_as(make_user(Role.staff))
    before = snapshot(db)
    _post(client, f"/events/{event.id}/attendance", {"attended": [str(came.id)], "walk_ins": "4"}, world)
    after = snapshot(db)
    _only(changes(before, after), {("Event", event.id): {"walk_ins"}, ("EventRegistration", came.id): {"attended"}})
    assert db.session.get(Event, event.id).walk_ins == 4
