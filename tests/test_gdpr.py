"""The person's rights: consent records, download my data, delete my account."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, make_pdf

from matchmaker.audit import record_audit
from matchmaker.models import (AlertDelivery, AuditEntry, Company, ConsentRecord, GraduateProfile, Introduction,
                               IntroductionState, Membership, Note, Offer, OutboxMessage, Role, Side, User, utcnow)

NAME = "Zofia Wiśniewska"
EMAIL = "zofia.w@example.org"


def consents(db, user, purpose):
    db.session.expire_all()
    return list(db.session.scalars(db.select(ConsentRecord).where(ConsentRecord.user_id == user.id,
                                                                  ConsentRecord.purpose == purpose)
                                   .order_by(ConsentRecord.id)))


# ---- consent records --------------------------------------------------------------------------

def test_registration_stores_the_privacy_notice_version(app, client, db):
    response = client.post("/auth/register", data={"email": "neu@example.org", "password": PASSWORD,
                                                   "password_again": PASSWORD, "accept_privacy": "y"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "neu@example.org"))
    assert user.privacy_version == app.config["PRIVACY_VERSION"] and user.privacy_accepted_at is not None
    [record] = consents(db, user, "privacy")
    assert record.text_version == app.config["PRIVACY_VERSION"] and record.text == "I have read the privacy notice."


def test_company_registration_stores_the_privacy_notice_version(app, client, db):
    response = client.post("/auth/register/company", data={
        "email": "chefin@example.org", "password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y",
        "mode": "new", "company_name": "Neue Energie GmbH", "sector": "energy"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "chefin@example.org"))
    assert user.privacy_version == app.config["PRIVACY_VERSION"]
    assert len(consents(db, user, "privacy")) == 1


def test_privacy_page_names_its_version_and_retention(app, client):
    body = client.get("/privacy").get_data(as_text=True)
    assert f"Version {app.config['PRIVACY_VERSION']}" in body
    assert "730 days" in body and "60 days" in body and "Who sees it" in body and "What we store" in body


def test_being_findable_is_recorded_with_the_sentence_shown_and_revoked_in_one_click(client, db, make_profile,
                                                                                    login_as):
    profile = make_profile()
    user = profile.user
    login_as(user)
    dashboard = client.get("/me/").get_data(as_text=True)
    assert client.post("/me/visibility", data={"visible": "1"}).status_code == 302
    [record] = consents(db, user, "findable")
    assert record.revoked_at is None and record.text_version == "1"
    assert record.text.startswith("I agree that verified companies") and record.text in dashboard
    assert client.post("/me/visibility", data={"visible": "0"}).status_code == 302
    [record] = consents(db, user, "findable")
    assert record.revoked_at is not None
    assert db.session.get(GraduateProfile, profile.id).visible_to_companies is False
    # Ticking the box in the profile form records it again, with the same sentence as its help text.
    form = client.get("/me/profile").get_data(as_text=True)
    assert record.text in form
    client.post("/me/visibility", data={"visible": "1"})
    records = consents(db, user, "findable")
    assert len(records) == 2 and records[1].revoked_at is None


# ---- a graduate with data everywhere ----------------------------------------------------------

@pytest.fixture
def rich(app, client, db, make_user, make_profile, make_offer, make_introduction, login_as, company_user):
    """A graduate with a CV, consents, two introductions, notes, audit entries, alerts and mails."""
    user = make_user(Role.graduate, email=EMAIL)
    profile = make_profile(user=user, name=NAME, about=f"Ich bin {NAME}.", cv_text="typed")
    login_as(user)
    assert client.post("/me/cv", data={"cv": (io.BytesIO(make_pdf(text="Zofia Wisniewska")), "cv.pdf",
                                              "application/pdf")},
                       content_type="multipart/form-data").status_code == 302
    client.post("/me/visibility", data={"visible": "1"})
    offer = make_offer(title="Ingenieurin Wasserstoff")
    other = make_offer()
    staff = make_user(Role.staff)
    made = make_introduction(IntroductionState.hired, offer=offer, profile=profile,
                             message_to_graduate=f"Liebe {NAME}, hier ist die Firma.", message_to_company="Please call.")
    make_introduction(IntroductionState.accepted_by_graduate, offer=other, profile=profile, started_by=Side.graduate)
    db.session.add_all([
        ConsentRecord(user_id=user.id, introduction_id=made.id, purpose="introduction", text="I agree."),
        Note(author_id=staff.id, profile_id=profile.id, body=f"{NAME} came to the office hour."),
        Note(author_id=staff.id, introduction_id=made.id, body="Hired in March."),
        AlertDelivery(user_id=user.id, item_type="offer", item_id=offer.id, week="2026-W10"),
        OutboxMessage(recipient=EMAIL, subject="Welcome", body=f"Hello {NAME}", sent_at=utcnow()),
        OutboxMessage(recipient=company_user(offer.company).email, subject="Introduced",
                      body=f"Contact: {NAME} <{EMAIL}>"),
    ])
    record_audit(staff, "view_profile", subject=user, obj=profile)
    record_audit(company_user(offer.company), "view_contact", subject=user, obj=made)
    db.session.commit()
    return user


def _export_raw(client) -> str:
    response = client.get("/account/data/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response.get_data(as_text=True)


def _export(client):
    return json.loads(_export_raw(client))


def test_export_has_every_section(client, db, rich):
    data = _export(client)
    assert data["account"]["email"] == EMAIL
    assert data["profile"]["name"] == NAME and "Zofia Wisniewska" in data["profile"]["cv_text"]
    assert data["cv_file"]["size_bytes"] == len(make_pdf(text="Zofia Wisniewska")) and data["cv_file"]["stored_name"]
    assert {c["purpose"] for c in data["consents"]} == {"findable", "introduction"}
    assert sorted(i["state"] for i in data["introductions"]) == ["accepted_by_graduate", "hired"]
    assert all(i["company"] for i in data["introductions"])
    assert {n["body"] for n in data["notes"]} == {f"{NAME} came to the office hour.", "Hired in March."}
    assert {a["action"] for a in data["audit_entries"]} == {"view_profile", "view_contact"}
    assert any(a["by"].get("company") for a in data["audit_entries"])
    assert data["alert_deliveries"][0]["week"] == "2026-W10"
    assert [m["subject"] for m in data["mails"]] == ["Welcome"]
    assert data["company"] is None and data["offers_created"] == []


def test_export_never_contains_secrets(client, db, rich):
    user = db.session.get(User, rich.id)
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    db.session.commit()
    raw = client.get("/account/data/export.json").get_data(as_text=True)
    assert user.password_hash not in raw and "JBSWY3DPEHPK3PXP" not in raw
    assert "password" not in raw and "totp_secret" not in raw and "session_version" not in raw


# Words of others in real introductions: the staff's message to the company, the company's reason.
TO_GRADUATE = "Die Stelle passt zu Ihrem Studium."
TO_COMPANY = "Sie wünscht sich ein hohes Gehalt, bitte behutsam."
COMPANY_REASON = "Zu teuer für unser Budget."
OWN_REASON = "Ich habe schon eine andere Stelle."
NOTE = "Rückruf am Dienstag vereinbart."


@pytest.fixture
def closed_introductions(db, login_as, make_user, make_profile, make_offer, company_user):
    """Staff proposed with a message to each side and the company declined with a reason; the graduate
    declined another one with their own reason; staff wrote a note."""
    graduate = make_user(Role.graduate, email=EMAIL)
    profile = make_profile(user=graduate, name=NAME, visible_to_companies=True)
    offer, other = make_offer(title="Ingenieurin Wasserstoff"), make_offer(title="Werkstudentin Netze")
    staff = make_user(Role.staff, email="beraterin@example.org")
    member = company_user(offer.company)
    client = login_as(staff)
    response = client.post(f"/introductions/propose/{offer.id}/{profile.id}",
                           data={"message_to_graduate": TO_GRADUATE, "message_to_company": TO_COMPANY})
    assert response.status_code == 302
    declined = int(response.location.rstrip("/").rsplit("/", 1)[1])
    assert client.post(f"/introductions/{declined}/notes", data={"body": NOTE}).status_code == 302
    client = login_as(member)
    assert client.post(f"/introductions/{declined}/decline", data={"reason": COMPANY_REASON}).status_code == 302
    client = login_as(graduate)
    response = client.post(f"/introductions/offers/{other.id}/interest")
    assert response.status_code == 302
    own = int(response.location.rstrip("/").rsplit("/", 1)[1])
    assert client.post(f"/introductions/{own}/decline", data={"reason": OWN_REASON}).status_code == 302
    db.session.expire_all()
    first, second = db.session.get(Introduction, declined), db.session.get(Introduction, own)
    assert (first.message_to_company, first.close_reason, first.closed_by_side) == (TO_COMPANY, COMPANY_REASON,
                                                                                     Side.company)
    assert (second.close_reason, second.closed_by_side) == (OWN_REASON, Side.graduate)
    return {"graduate": graduate, "member": member, "staff": staff, "declined": declined, "own": own}


def test_graduate_export_withholds_words_of_others_and_says_why(client, db, closed_introductions):
    raw = _export_raw(client)
    data = json.loads(raw)
    # The graduate's own words and what was written to them are there.
    intros = {i["id"]: i for i in data["introductions"]}
    declined, own = intros[closed_introductions["declined"]], intros[closed_introductions["own"]]
    assert declined["message_to_graduate"] == TO_GRADUATE and own["close_reason"] == OWN_REASON
    assert declined["closed_by"] == "company" and own["closed_by"] == "graduate"
    assert [n["body"] for n in data["notes"]] == [NOTE] and data["notes"][0]["by"] == "Präsenzstelle"
    # Words meant for the company or for staff only, and the people behind them, are not.
    for text in (TO_COMPANY, COMPANY_REASON, closed_introductions["member"].email, "beraterin@example.org"):
        assert text not in raw, text
    assert "message_to_company" not in declined and declined["close_reason"] is None
    withheld = {entry["kind"]: entry for entry in data["withheld"]}
    assert set(withheld) == {"message_to_company", "close_reason", "author"}
    assert withheld["message_to_company"]["introduction_ids"] == [closed_introductions["declined"]]
    assert withheld["close_reason"]["introduction_ids"] == [closed_introductions["declined"]]
    assert withheld["close_reason"]["count"] == 1 and withheld["author"]["count"] >= 1
    assert all(entry["legal_basis"] == "Art. 15(4) GDPR" and entry["reason"] for entry in withheld.values())
    assert "for the Präsenzstelle only" in withheld["close_reason"]["reason"]


def test_withheld_reasons_are_in_the_users_language(client, db, closed_introductions):
    user = db.session.get(User, closed_introductions["graduate"].id)
    user.locale = "de"
    db.session.commit()
    withheld = {entry["kind"]: entry for entry in _export(client)["withheld"]}
    assert "nur für die Präsenzstelle" in withheld["close_reason"]["reason"]


def test_company_user_export_holds_no_words_of_the_graduate_or_meant_for_them(client, db, login_as,
                                                                               closed_introductions):
    login_as(closed_introductions["member"])
    raw = _export_raw(client)
    data = json.loads(raw)
    assert data["account"]["role"] == "company" and data["withheld"] == []
    for text in (TO_GRADUATE, OWN_REASON, NOTE, EMAIL, NAME):
        assert text not in raw, text


def test_company_user_export_has_their_company_and_offers(client, db, make_company, make_offer, login_as, company_user):
    company = make_company(name="Lausitz Wasserstoff AG")
    member = company_user(company)
    offer = make_offer(company=company, created_by_id=member.id, title="Elektrolyse-Ingenieur")
    login_as(member)
    data = _export(client)
    assert data["account"]["role"] == "company" and data["profile"] is None
    assert data["company"]["name"] == "Lausitz Wasserstoff AG"
    assert [o["title"] for o in data["offers_created"]] == [offer.title]


def test_data_page_for_every_role(client, make_user, login_as):
    for role in Role:
        login_as(make_user(role))
        body = client.get("/account/data").get_data(as_text=True)
        assert "Download my data (JSON)" in body
        assert ("/account/delete" in body) == (role in (Role.graduate, Role.company, Role.researcher))


# ---- delete my account ------------------------------------------------------------------------

def _text_rows(db):
    """Every row of every table as lower-case text."""
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            yield table.name, " ".join(str(value) for value in row).lower()


def _state_counts(db):
    return Counter(db.session.scalars(sa.select(Introduction.state)))


def test_delete_account_erases_the_person_everywhere(app, client, db, rich):
    cv_dir = Path(app.instance_path) / "uploads" / "cv"
    assert len(list(cv_dir.iterdir())) == 1
    before = _state_counts(db)
    assert any(EMAIL in text for _table, text in _text_rows(db))
    assert client.get("/account/delete").status_code == 200
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "DELETE"})
    assert response.status_code == 302 and response.location == "/"
    db.session.expire_all()
    leftovers = [(table, text) for table, text in _text_rows(db)
                 if EMAIL in text or NAME.lower() in text or "wisniewska" in text or "zofia" in text]
    assert leftovers == []
    assert list(cv_dir.iterdir()) == []
    # Introductions stay as records: the one with an outcome as it was, the one still waiting withdrawn.
    after = _state_counts(db)
    assert sum(after.values()) == sum(before.values())
    assert after[IntroductionState.hired] == before[IntroductionState.hired]
    assert after[IntroductionState.accepted_by_graduate] == 0
    assert after[IntroductionState.withdrawn] == before[IntroductionState.withdrawn] + before[IntroductionState.accepted_by_graduate]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Introduction)
                             .where(Introduction.profile_id.is_not(None))) == 0
    for model in (GraduateProfile, ConsentRecord, Note, AlertDelivery):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.subject_user_id == rich.id)) == 0
    user = db.session.get(User, rich.id)
    assert user.active is False and user.role == Role.graduate and user.email.endswith("@erased.invalid")
    assert not user.check_password(PASSWORD)
    # The session has ended and nobody can log in with the old address.
    assert "/auth/login" in client.get("/me/").location
    login = client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
    assert login.status_code == 400


def test_delete_ends_sessions_on_other_devices(app, db, rich, client):
    other_device = app.test_client()
    assert other_device.post("/auth/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    client.post("/account/delete", data={"password": PASSWORD, "confirm": "DELETE"})
    response = other_device.get("/me/")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_company_user_deletion_keeps_the_company(client, db, make_company, make_user, make_offer, login_as,
                                                 company_user):
    company = make_company(name="Spreetal Recycling GmbH", contact_email="boss@spreetal.example")
    boss = company_user(company)
    boss.email = "boss@spreetal.example"
    db.session.commit()
    colleague = make_user(Role.company, email="kollegin@spreetal.example", company_id=company.id,
                          membership=Membership.active)
    offer = make_offer(company=company, created_by_id=boss.id)
    login_as(boss)
    assert "Your company and its offers stay" in client.get("/account/delete").get_data(as_text=True)
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "delete"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [text for _t, text in _text_rows(db) if "boss@spreetal.example" in text] == []
    kept = db.session.get(Company, company.id)
    assert kept.contact_email == ""  # a colleague's personal address is not published in its place
    assert db.session.get(Offer, offer.id).created_by_id is None
    assert [u.id for u in kept.users] == [colleague.id]


def test_german_confirmation_word_is_accepted(client, db, make_user, login_as):
    user = make_user(Role.graduate, locale="de")
    login_as(user)
    page = client.get("/account/delete", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "LÖSCHEN" in page
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "löschen"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).active is False


@pytest.mark.parametrize("data, field, message", [
    ({"password": PASSWORD, "confirm": "DELET"}, "confirm", "Please type the word DELETE."),
    ({"password": PASSWORD, "confirm": ""}, "confirm", "Please type the word DELETE."),
    ({"password": PASSWORD}, "confirm", "Please type the word DELETE."),
    ({"password": "wrong password here", "confirm": "DELETE"}, "password", "The password is not correct."),
    ({"password": "", "confirm": "DELETE"}, "password", "Please enter your password."),
    ({"password": PASSWORD, "confirm": "DEL\x00ETE"}, "confirm", "Contains characters that are not allowed."),
    ({"password": PASSWORD, "confirm": "DELETE" * 20}, "confirm", "Field cannot be longer than 40 characters."),
    ({}, "password", "Please enter your password."),
])
def test_bad_confirmation_answers_400_and_deletes_nothing(app, client, db, rich, data, field, message):
    response = client.post("/account/delete", data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f'id="{field}-err"' in body and message in body
    db.session.expire_all()
    user = db.session.get(User, rich.id)
    assert user.email == EMAIL and user.active and user.profile is not None and user.profile.cv_file
    assert (Path(app.instance_path) / "uploads" / "cv" / user.profile.cv_file).exists()
    assert client.get("/me/").status_code == 200


def test_staff_and_board_cannot_delete_themselves_here(client, make_user, login_as):
    for role in (Role.staff, Role.admin, Role.board):
        login_as(make_user(role))
        assert client.post("/account/delete", data={"password": PASSWORD, "confirm": "DELETE"}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    for method, url in (("get", "/account/data"), ("get", "/account/data/export.json"),
                        ("get", "/account/delete"), ("post", "/account/delete")):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/auth/login" in response.location, url


# ---- a researcher's own data --------------------------------------------------------------------

@pytest.fixture
def unit_answers(client, db, make_user, make_unit, make_offer, make_introduction, company_user, login_as):
    """A researcher in two units who said yes to one introduction and no to another; a colleague's
    introduction they never answered."""
    from matchmaker.models import OfferKind

    researcher = make_user(Role.researcher)
    colleague = make_user(Role.researcher)
    unit = make_unit(name="Lehrstuhl Wasserstofftechnik", members=[researcher, colleague])
    other_unit = make_unit(name="Labor Korrosion", members=[researcher])
    question = make_offer(kind=OfferKind.research_project, title="Elektrolyse im Teillastbetrieb")
    accepted = make_introduction(offer=question, unit=unit, message_to_graduate="Passt zu Ihrem Prüfstand.",
                                 message_to_company="Nur für das Unternehmen.")
    declined = make_introduction(offer=make_offer(kind=OfferKind.research_project, title="Korrosion an Nähten"),
                                 unit=other_unit)
    untouched = make_introduction(offer=make_offer(kind=OfferKind.research_project, title="Fremde Frage"),
                                  unit=unit)
    login_as(researcher)
    assert client.post(f"/introductions/{accepted.id}/accept").status_code == 302
    assert client.post(f"/introductions/{declined.id}/decline",
                       data={"reason": "Keine Kapazität in diesem Semester."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Introduction, accepted.id).state == IntroductionState.accepted_by_graduate
    assert db.session.get(Introduction, declined.id).state == IntroductionState.declined
    return {"researcher": researcher, "colleague": colleague, "unit": unit, "other_unit": other_unit,
            "accepted": accepted, "declined": declined, "untouched": untouched}


def test_researcher_export_has_units_and_the_introductions_they_answered(client, db, unit_answers, login_as):
    login_as(unit_answers["researcher"])
    raw = _export_raw(client)
    data = json.loads(raw)
    assert {u["name"] for u in data["research_units"]} == {"Lehrstuhl Wasserstofftechnik", "Labor Korrosion"}
    assert all(u["joined_at"] and u["faculty"] for u in data["research_units"])
    by_id = {i["id"]: i for i in data["unit_introductions"]}
    assert set(by_id) == {unit_answers["accepted"].id, unit_answers["declined"].id}
    accepted = by_id[unit_answers["accepted"].id]
    assert accepted["unit"] == "Lehrstuhl Wasserstofftechnik" and accepted["offer"] == "Elektrolyse im Teillastbetrieb"
    assert accepted["message_to_unit"] == "Passt zu Ihrem Prüfstand." and accepted["unit_accepted_at"]
    assert {a["action"] for a in accepted["your_answers"]} == {"consent", "accept"}
    declined = by_id[unit_answers["declined"].id]
    assert declined["state"] == "declined" and declined["close_reason"] == "Keine Kapazität in diesem Semester."
    assert "decline" in {a["action"] for a in declined["your_answers"]}
    # The Präsenzstelle's words to the company are not theirs.
    assert "Nur für das Unternehmen." not in raw
    assert any(c["introduction_id"] == unit_answers["accepted"].id for c in data["consents"])


def test_a_colleagues_export_holds_only_their_own_answers(client, db, unit_answers, login_as):
    login_as(unit_answers["colleague"])
    data = _export(client)
    assert [u["name"] for u in data["research_units"]] == ["Lehrstuhl Wasserstofftechnik"]
    assert data["unit_introductions"] == []


def test_a_graduates_export_has_empty_unit_sections(client, make_user, login_as):
    login_as(make_user(Role.graduate))
    data = _export(client)
    assert data["research_units"] == [] and data["unit_introductions"] == []


def test_researcher_sees_and_revokes_their_consent_and_the_open_introduction_ends(client, db, unit_answers,
                                                                               login_as, outbox):
    researcher, accepted = unit_answers["researcher"], unit_answers["accepted"]
    login_as(researcher)
    page = client.get("/introductions/consents")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    consent = db.session.scalar(db.select(ConsentRecord).where(ConsentRecord.introduction_id == accepted.id,
                                                               ConsentRecord.user_id == researcher.id))
    assert consent is not None and consent.revoked_at is None
    assert f'id="consent-{consent.id}"' in text and "Revoke" in text
    assert 'href="/introductions/consents"' in client.get("/account/data").get_data(as_text=True)
    response = client.post(f"/introductions/consents/{consent.id}/revoke")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ConsentRecord, consent.id).revoked_at is not None
    intro = db.session.get(Introduction, accepted.id)
    assert intro.state == IntroductionState.withdrawn and intro.closed_by_side == Side.unit
    # Revoked twice: a message, not a 500.
    again = client.post(f"/introductions/consents/{consent.id}/revoke")
    assert again.status_code in (302, 303)


def test_a_colleagues_yes_keeps_the_introduction_but_not_the_revokers_address(client, db, unit_answers, login_as,
                                                                             company_user):
    from matchmaker.brokering.operations import unit_contact

    researcher, colleague, accepted = unit_answers["researcher"], unit_answers["colleague"], unit_answers["accepted"]
    # The unit said yes by the first member; the company accepts and contact crosses with that address.
    owner = company_user(accepted.company)
    login_as(owner)
    assert client.post(f"/introductions/{accepted.id}/accept").status_code == 302
    db.session.expire_all()
    intro = db.session.get(Introduction, accepted.id)
    assert intro.state == IntroductionState.introduced
    assert unit_contact(intro)["unit_member_email"] == researcher.email
    # A second member's yes on record for the unit.
    db.session.add(ConsentRecord(user_id=colleague.id, purpose="introduction", text="Ja.", text_version="1",
                                 introduction_id=intro.id, given_at=utcnow()))
    db.session.commit()
    consent = db.session.scalar(db.select(ConsentRecord).where(ConsentRecord.introduction_id == intro.id,
                                                               ConsentRecord.user_id == researcher.id))
    login_as(researcher)
    assert client.post(f"/introductions/consents/{consent.id}/revoke").status_code == 302
    db.session.expire_all()
    intro = db.session.get(Introduction, accepted.id)
    assert intro.state == IntroductionState.introduced
    assert unit_contact(intro)["unit_member_email"] == colleague.email
    login_as(owner)
    assert researcher.email not in client.get(f"/introductions/{intro.id}").get_data(as_text=True)


def test_nobody_revokes_anothers_consent_and_companies_have_no_consents_page(client, db, unit_answers, login_as,
                                                                            make_user):
    consent = db.session.scalar(db.select(ConsentRecord).where(
        ConsentRecord.user_id == unit_answers["researcher"].id))
    assert consent is not None
    login_as(unit_answers["colleague"])
    assert client.post(f"/introductions/consents/{consent.id}/revoke").status_code == 404
    db.session.expire_all()
    assert db.session.get(ConsentRecord, consent.id).revoked_at is None
    login_as(make_user(Role.company))
    assert client.get("/introductions/consents").status_code == 403


def test_revoking_a_story_confirmation_on_the_consents_page_takes_the_story_offline(client, db, make_user,
                                                                                   make_story, login_as):
    from matchmaker.models import Story, StoryStatus

    researcher = make_user(Role.researcher)
    story = make_story(StoryStatus.awaiting_consent, people=[researcher])
    login_as(researcher)
    assert client.post(f"/stories/{story.id}/confirm").status_code == 302
    db.session.refresh(story)
    assert story.status == StoryStatus.published
    (consent,) = consents(db, researcher, "story")
    assert f'id="consent-{consent.id}"' in client.get("/introductions/consents").get_data(as_text=True)
    assert client.post(f"/introductions/consents/{consent.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(Story, story.id).status == StoryStatus.withdrawn
    assert db.session.get(ConsentRecord, consent.id).revoked_at is not None
    client.post("/auth/logout")
    assert client.get(f"/stories/{story.id}").status_code == 410
