"""Brokered introductions: three starts, the double opt-in, consents, staff pipeline, reminders."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from helpers import followed

from matchmaker.models import (AuditEntry, ConsentRecord, FieldOfAction, Introduction, IntroductionState, Note, OfferKind,
                               OutboxMessage, Role, Side, utcnow)

NAME = "Zyxwaniel Quorth"


@pytest.fixture
def people(make_user, make_company, make_offer, make_profile, company_user):
    """A company with a published offer, a findable graduate, staff, and strangers on both sides."""
    company = make_company(name="Lausitz Energie GmbH", contact_email="jobs@lausitz-energie.example")
    offer = make_offer(company=company, title="Verfahrensingenieur (m/w/d)", required_skills=["python"])
    graduate = make_user(Role.graduate, email="zq@example.org")
    profile = make_profile(user=graduate, name=NAME, visible_to_companies=True, skills=["python"], wanted_kinds=[])
    other_company = make_company(name="Andere AG")
    other_graduate = make_user(Role.graduate, email="other@example.org")
    make_profile(user=other_graduate, name="Someone Else")
    staff = make_user(Role.staff, email="staff@example.org")
    return {"company": company, "offer": offer, "graduate": graduate, "profile": profile,
            "member": company_user(company), "other_member": company_user(other_company),
            "other_graduate": other_graduate, "staff": staff}


def _intro(db, intro_id: int) -> Introduction:
    return db.session.get(Introduction, intro_id)


def _all(db) -> list[Introduction]:
    return list(db.session.scalars(db.select(Introduction).order_by(Introduction.id)))


def start(login_as, people, how: str) -> int:
    """Start an introduction the given way; returns its id."""
    offer, profile = people["offer"], people["profile"]
    if how == "graduate":
        client = login_as(people["graduate"])
        response = client.post(f"/introductions/offers/{offer.id}/interest")
    elif how == "company":
        client = login_as(people["member"])
        response = client.post(f"/introductions/offers/{offer.id}/invite/{profile.id}")
    else:
        client = login_as(people["staff"])
        response = client.post(f"/introductions/propose/{offer.id}/{profile.id}",
                               data={"message_to_graduate": "Das passt gut zu Ihnen.",
                                     "message_to_company": "Eine gute Kandidatin."})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return int(response.location.rstrip("/").rsplit("/", 1)[1])


# ---- the three starts -----------------------------------------------------------------------

def test_graduate_interest_waits_for_the_company(db, login_as, people, outbox):
    intro_id = start(login_as, people, "graduate")
    intro = _intro(db, intro_id)
    assert intro.state == IntroductionState.accepted_by_graduate and intro.started_by == Side.graduate
    assert intro.graduate_accepted_at is not None and intro.offer_kind == OfferKind.job
    (consent,) = db.session.scalars(db.select(ConsentRecord))
    assert consent.user_id == people["graduate"].id and consent.introduction_id == intro_id
    assert "Lausitz Energie GmbH" in consent.text and consent.text_version == "1"
    (mail,) = outbox(people["member"].email)
    assert f"/introductions/{intro_id}" in mail.body and NAME not in mail.body and "zq@example.org" not in mail.body
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "introduction_start")) is not None


def test_hidden_graduate_may_still_say_interested(db, login_as, people):
    people["profile"].visible_to_companies = False
    db.session.commit()
    start(login_as, people, "graduate")
    assert len(_all(db)) == 1


def test_graduate_without_profile_is_told_to_fill_it_in(db, client, login_as, make_user, people):
    login_as(make_user(Role.graduate))
    response = client.post(f"/introductions/offers/{people['offer'].id}/interest")
    assert response.status_code == 303 and "profile" in followed(client, response)
    assert _all(db) == []


def test_company_invites_a_findable_graduate(db, login_as, people, outbox):
    intro_id = start(login_as, people, "company")
    intro = _intro(db, intro_id)
    assert intro.state == IntroductionState.accepted_by_company
    assert intro.company_accepted_by_id == people["member"].id
    (mail,) = outbox("zq@example.org")
    assert "Lausitz Energie GmbH" in mail.body and f"/introductions/{intro_id}" in mail.body


def test_company_cannot_invite_a_hidden_graduate_or_to_a_foreign_or_draft_offer(
        db, client, login_as, people, make_offer):
    profile, offer = people["profile"], people["offer"]
    login_as(people["other_member"])
    assert client.post(f"/introductions/offers/{offer.id}/invite/{profile.id}").status_code == 404
    login_as(people["member"])
    draft = make_offer(company=people["company"], published=False)
    response = client.post(f"/introductions/offers/{draft.id}/invite/{profile.id}")
    assert response.status_code == 303
    profile.visible_to_companies = False
    db.session.commit()
    assert client.post(f"/introductions/offers/{offer.id}/invite/{profile.id}").status_code == 404
    assert _all(db) == []


def test_staff_propose_mails_each_side_its_message(db, client, login_as, people, outbox):
    login_as(people["staff"])
    page = client.get(f"/introductions/propose/{people['offer'].id}/{people['profile'].id}")
    assert page.status_code == 200 and people["profile"].pseudonym in page.get_data(as_text=True)
    intro_id = start(login_as, people, "staff")
    intro = _intro(db, intro_id)
    assert intro.state == IntroductionState.proposed and intro.started_by == Side.staff
    (to_graduate,) = outbox("zq@example.org")
    (to_company,) = outbox(people["member"].email)
    assert "Das passt gut zu Ihnen." in to_graduate.body and "Eine gute Kandidatin." not in to_graduate.body
    assert "Eine gute Kandidatin." in to_company.body and NAME not in to_company.body


@pytest.mark.parametrize("case", [
    {"message_to_graduate": ""},
    {"message_to_company": "   "},
    {"message_to_graduate": "x" * 2001},
    {"message_to_company": "a\x00b"},
])
def test_propose_form_refuses_bad_input_and_keeps_it(db, client, login_as, people, case):
    login_as(people["staff"])
    data = {"message_to_graduate": "Hallo <script>alert(1)</script>", "message_to_company": "Guten Tag", **case}
    response = client.post(f"/introductions/propose/{people['offer'].id}/{people['profile'].id}", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and 'class="errors"' in body
    assert "<script>alert(1)</script>" not in body
    if "message_to_graduate" not in case:
        assert "Hallo &lt;script&gt;" in body
    assert _all(db) == []


@pytest.mark.parametrize("first", ["graduate", "company", "staff"])
@pytest.mark.parametrize("second", ["graduate", "company", "staff"])
def test_a_second_start_is_refused(db, client, login_as, people, first, second):
    start(login_as, people, first)
    offer, profile = people["offer"], people["profile"]
    if second == "graduate":
        login_as(people["graduate"])
        response = client.post(f"/introductions/offers/{offer.id}/interest")
    elif second == "company":
        login_as(people["member"])
        response = client.post(f"/introductions/offers/{offer.id}/invite/{profile.id}")
    else:
        login_as(people["staff"])
        response = client.post(f"/introductions/propose/{offer.id}/{profile.id}",
                               data={"message_to_graduate": "a", "message_to_company": "b"})
    assert response.status_code == 303 and response.location.startswith("/introductions/")
    assert "already an open introduction" in followed(client, response)
    assert len(_all(db)) == 1


def test_after_a_closed_one_a_new_start_is_possible(db, client, login_as, people):
    intro_id = start(login_as, people, "graduate")
    login_as(people["member"])
    assert client.post(f"/introductions/{intro_id}/decline", data={"reason": ""}).status_code == 302
    start(login_as, people, "company")
    assert len(_all(db)) == 2


# ---- the double opt-in ----------------------------------------------------------------------

@pytest.mark.parametrize("how", ["graduate", "company", "staff"])
def test_double_opt_in_introduces_and_shows_contacts(db, client, login_as, people, outbox, how):
    intro_id = start(login_as, people, how)
    url = f"/introductions/{intro_id}"
    login_as(people["member"])
    page = client.get(url).get_data(as_text=True)
    assert people["profile"].pseudonym in page and NAME not in page and "zq@example.org" not in page
    order = {"graduate": ["member"], "company": ["graduate"], "staff": ["graduate", "member"]}[how]
    for who in order:
        login_as(people[who])
        assert client.post(f"{url}/accept").status_code == 302
    intro = _intro(db, intro_id)
    assert intro.state == IntroductionState.introduced and intro.introduced_at is not None
    login_as(people["member"])
    page = client.get(url).get_data(as_text=True)
    assert NAME in page and "zq@example.org" in page
    assert db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "view_contact", AuditEntry.subject_user_id == people["graduate"].id)) is not None
    login_as(people["graduate"])
    page = client.get(url).get_data(as_text=True)
    assert people["member"].email in page and "jobs@lausitz-energie.example" in page
    introduced = [m for m in outbox() if m.kind == "introduction_introduced"]
    assert {m.recipient for m in introduced} == {"zq@example.org", people["member"].email}
    to_company = next(m for m in introduced if m.recipient == people["member"].email)
    assert NAME in to_company.body and "zq@example.org" in to_company.body
    to_graduate = next(m for m in introduced if m.recipient == "zq@example.org")
    assert people["member"].email in to_graduate.body
    # Each acceptance is a consent record of its own.
    consents = list(db.session.scalars(db.select(ConsentRecord).where(ConsentRecord.introduction_id == intro_id)))
    assert {c.user_id for c in consents} == {people["graduate"].id, people["member"].id}


def test_decline_reason_reaches_staff_only(db, client, login_as, people, outbox):
    intro_id = start(login_as, people, "company")
    login_as(people["graduate"])
    response = client.post(f"/introductions/{intro_id}/decline", data={"reason": "Ich bin schon vergeben."})
    assert response.status_code == 302
    intro = _intro(db, intro_id)
    assert intro.state == IntroductionState.declined and intro.closed_by_side == Side.graduate
    (mail,) = [m for m in outbox(people["member"].email) if m.kind == "introduction_closed"]
    assert "vergeben" not in mail.body
    login_as(people["member"])
    assert "vergeben" not in client.get(f"/introductions/{intro_id}").get_data(as_text=True)
    login_as(people["staff"])
    assert "Ich bin schon vergeben." in client.get(f"/introductions/{intro_id}").get_data(as_text=True)


def test_decline_reason_too_long_is_refused(db, client, login_as, people):
    intro_id = start(login_as, people, "company")
    login_as(people["graduate"])
    response = client.post(f"/introductions/{intro_id}/decline", data={"reason": "x" * 1001})
    assert response.status_code == 303 and 'class="errors"' in followed(client, response)
    assert _intro(db, intro_id).state == IntroductionState.accepted_by_company


def test_withdraw_after_introduction_hides_contacts(db, client, login_as, people, outbox):
    intro_id = start(login_as, people, "graduate")
    login_as(people["member"])
    client.post(f"/introductions/{intro_id}/accept")
    assert client.post(f"/introductions/{intro_id}/withdraw", data={"reason": "Stelle besetzt"}).status_code == 302
    intro = _intro(db, intro_id)
    assert intro.state == IntroductionState.withdrawn and intro.close_reason == "Stelle besetzt"
    page = client.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert NAME not in page and "zq@example.org" not in page
    assert [m for m in outbox("zq@example.org") if m.kind == "introduction_closed"]


# Which step each side may take in each state (all else is refused and changes nothing).
LEGAL = {
    "proposed": {("graduate", "accept"), ("company", "accept"), ("graduate", "decline"), ("company", "decline")},
    "accepted_by_graduate": {("company", "accept"), ("graduate", "decline"), ("company", "decline")},
    "accepted_by_company": {("graduate", "accept"), ("graduate", "decline"), ("company", "decline")},
    "introduced": {("graduate", "withdraw"), ("company", "withdraw"), ("staff", "outcome")},
    "interview": {("staff", "outcome")},
}


def _set_state(db, intro_id, state: IntroductionState):
    intro = _intro(db, intro_id)
    intro.state = state
    now = utcnow()
    intro.graduate_accepted_at = now if state != IntroductionState.proposed and state != IntroductionState.accepted_by_company else None
    intro.company_accepted_at = now if state != IntroductionState.proposed and state != IntroductionState.accepted_by_graduate else None
    intro.company_accepted_by_id = None
    intro.introduced_at = now if intro.graduate_accepted_at and intro.company_accepted_at else None
    db.session.commit()


@pytest.mark.parametrize("state", list(IntroductionState))
def test_every_step_from_every_side_in_every_state(db, client, login_as, people, state):
    intro_id = start(login_as, people, "staff")
    _set_state(db, intro_id, state)
    legal = LEGAL.get(state.value, set())
    for who, role in (("graduate", "graduate"), ("company", "member"), ("staff", "staff")):
        for verb in ("accept", "decline", "withdraw", "outcome"):
            if (who, verb) in legal:
                continue
            login_as(people[role])
            data = {"outcome": "hired", "on_date": date.today().isoformat()} if verb == "outcome" else {}
            response = client.post(f"/introductions/{intro_id}/{verb}", data=data)
            expected = {303}
            if who == "staff" and verb != "outcome" or who != "staff" and verb == "outcome":
                expected = {403}
            assert response.status_code in expected, (state, who, verb, response.status_code)
            assert _intro(db, intro_id).state == state, (state, who, verb)
    for who, verb in legal:
        _set_state(db, intro_id, state)
        login_as(people[{"graduate": "graduate", "company": "member", "staff": "staff"}[who]])
        data = {"outcome": "hired", "on_date": date.today().isoformat()} if verb == "outcome" else {}
        response = client.post(f"/introductions/{intro_id}/{verb}", data=data)
        assert response.status_code == 302, (state, who, verb, response.status_code)
        assert _intro(db, intro_id).state != state or verb == "outcome" and state.value == "hired"


def test_illegal_step_error_page_names_no_graduate(db, client, login_as, people):
    intro_id = start(login_as, people, "graduate")
    login_as(people["member"])
    response = client.post(f"/introductions/{intro_id}/withdraw")
    body = response.get_data(as_text=True)
    assert response.status_code == 303
    body = followed(client, response)
    assert "flash error" in body and NAME not in body and "zq@example.org" not in body


# ---- access ---------------------------------------------------------------------------------

def test_strangers_get_404_and_wrong_roles_403(db, client, login_as, people):
    intro_id = start(login_as, people, "staff")
    url = f"/introductions/{intro_id}"
    client.post("/auth/logout")
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.location
    for stranger in ("other_graduate", "other_member"):
        login_as(people[stranger])
        assert client.get(url).status_code == 404
        assert client.post(f"{url}/accept").status_code == 404
        assert client.post(f"{url}/decline").status_code == 404
    login_as(people["graduate"])
    assert client.get("/introductions/pipeline").status_code == 403
    assert client.post(f"{url}/outcome", data={"outcome": "hired"}).status_code == 403
    login_as(people["staff"])
    assert client.get("/introductions/").status_code == 403
    assert client.get("/introductions/999999").status_code == 404
    assert _intro(db, intro_id).state == IntroductionState.proposed


def test_view_contact_is_audited_for_staff_but_not_for_a_company_before_acceptance(db, client, login_as, people):
    intro_id = start(login_as, people, "graduate")

    def views():
        return db.session.scalar(db.select(db.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "view_contact", AuditEntry.subject_user_id == people["graduate"].id))

    login_as(people["member"])
    client.get(f"/introductions/{intro_id}")
    assert views() == 0
    login_as(people["staff"])
    assert NAME in client.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert views() == 1


def test_lists_show_each_side_its_own(db, client, login_as, people):
    intro_id = start(login_as, people, "graduate")
    login_as(people["graduate"])
    assert f"/introductions/{intro_id}" in client.get("/introductions/").get_data(as_text=True)
    login_as(people["member"])
    body = client.get("/introductions/").get_data(as_text=True)
    assert f"/introductions/{intro_id}" in body and NAME not in body
    login_as(people["other_member"])
    body = client.get("/introductions/").get_data(as_text=True)
    assert f"/introductions/{intro_id}" not in body and 'class="empty"' in body


# ---- consents -------------------------------------------------------------------------------

def test_consents_are_shown_and_revoking_withdraws(db, client, login_as, people):
    intro_id = start(login_as, people, "company")
    login_as(people["graduate"])
    client.post(f"/introductions/{intro_id}/accept")
    assert _intro(db, intro_id).state == IntroductionState.introduced
    page = client.get("/introductions/consents").get_data(as_text=True)
    (consent,) = db.session.scalars(db.select(ConsentRecord).where(ConsentRecord.user_id == people["graduate"].id))
    assert consent.text in page.replace("&#34;", '"').replace("&#39;", "'")
    assert client.post(f"/introductions/consents/{consent.id}/revoke").status_code == 302
    db.session.refresh(consent)
    assert consent.revoked_at is not None
    intro = _intro(db, intro_id)
    assert intro.state == IntroductionState.withdrawn and intro.closed_by_side == Side.graduate
    assert client.post(f"/introductions/consents/{consent.id}/revoke").status_code == 303
    login_as(people["member"])
    page = client.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert NAME not in page and "zq@example.org" not in page
    # Nobody revokes someone else's consent.
    company_consent = db.session.scalar(db.select(ConsentRecord).where(
        ConsentRecord.user_id == people["member"].id))
    login_as(people["other_graduate"])
    assert client.post(f"/introductions/consents/{company_consent.id}/revoke").status_code == 404
    assert client.post(f"/introductions/consents/{consent.id}/revoke").status_code == 404


def test_revoking_while_waiting_withdraws_too(db, client, login_as, people):
    intro_id = start(login_as, people, "graduate")
    (consent,) = db.session.scalars(db.select(ConsentRecord))
    client.post(f"/introductions/consents/{consent.id}/revoke")
    assert _intro(db, intro_id).state == IntroductionState.withdrawn


# ---- staff: outcomes, notes, pipeline, histories --------------------------------------------

def _introduced(db, client, login_as, people) -> int:
    intro_id = start(login_as, people, "graduate")
    login_as(people["member"])
    client.post(f"/introductions/{intro_id}/accept")
    login_as(people["staff"])
    return intro_id


def test_outcomes_interview_then_hired_and_final(db, client, login_as, people):
    intro_id = _introduced(db, client, login_as, people)
    url = f"/introductions/{intro_id}/outcome"
    today = date.today().isoformat()
    assert client.post(url, data={"outcome": "interview", "on_date": today}).status_code == 302
    assert client.post(url, data={"outcome": "interview", "on_date": today}).status_code == 303
    assert client.post(url, data={"outcome": "hired", "on_date": today}).status_code == 302
    intro = _intro(db, intro_id)
    assert intro.state == IntroductionState.hired and intro.outcome_on == date.today() and intro.closed_at
    assert client.post(url, data={"outcome": "no_fit", "on_date": today}).status_code == 303
    assert _intro(db, intro_id).state == IntroductionState.hired


@pytest.mark.parametrize("data", [
    {"outcome": "declined", "on_date": "2026-01-01"},
    {"outcome": "nonsense", "on_date": "2026-01-01"},
    {"outcome": "hired", "on_date": ""},
    {"outcome": "hired", "on_date": "not-a-date"},
    {"outcome": "hired", "on_date": "2999-01-01"},
    {"outcome": "", "on_date": "2026-01-01"},
])
def test_outcome_form_refuses_bad_input(db, client, login_as, people, data):
    intro_id = _introduced(db, client, login_as, people)
    response = client.post(f"/introductions/{intro_id}/outcome", data=data)
    assert response.status_code == 303 and 'class="errors"' in followed(client, response)
    assert _intro(db, intro_id).state == IntroductionState.introduced


def test_outcome_before_introduction_is_refused(db, client, login_as, people):
    intro_id = start(login_as, people, "graduate")
    login_as(people["staff"])
    response = client.post(f"/introductions/{intro_id}/outcome", data={"outcome": "hired",
                                                                      "on_date": date.today().isoformat()})
    assert response.status_code == 303
    assert _intro(db, intro_id).state == IntroductionState.accepted_by_graduate


def test_notes_on_introduction_and_profile(db, client, login_as, people):
    intro_id = start(login_as, people, "graduate")
    login_as(people["staff"])
    assert client.post(f"/introductions/{intro_id}/notes", data={"body": "Rückruf am Montag"}).status_code == 302
    for bad in ("", "x" * 4001, "a\x00b"):
        response = client.post(f"/introductions/{intro_id}/notes", data={"body": bad})
        assert response.status_code == 303 and 'class="errors"' in followed(client, response)
    assert "Rückruf am Montag" in client.get(f"/introductions/{intro_id}").get_data(as_text=True)
    profile_url = f"/introductions/graduates/{people['profile'].id}"
    page = client.get(profile_url).get_data(as_text=True)
    assert NAME in page and f"/introductions/{intro_id}" in page
    assert db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "view_profile", AuditEntry.subject_user_id == people["graduate"].id)) is not None
    assert client.post(profile_url, data={"body": "Sucht ab Herbst"}).status_code == 302
    assert client.post(profile_url, data={"body": ""}).status_code == 400
    notes = list(db.session.scalars(db.select(Note).order_by(Note.id)))
    assert [(n.body, n.introduction_id, n.profile_id) for n in notes] == [
        ("Rückruf am Montag", intro_id, None), ("Sucht ab Herbst", None, people["profile"].id)]
    login_as(people["member"])
    assert client.get(profile_url).status_code == 403


def test_company_history_for_staff(db, client, login_as, people):
    intro_id = start(login_as, people, "graduate")
    login_as(people["staff"])
    page = client.get(f"/introductions/companies/{people['company'].id}").get_data(as_text=True)
    assert f"/introductions/{intro_id}" in page
    assert client.get("/introductions/companies/999999").status_code == 404


def test_pipeline_groups_and_filters(db, client, login_as, people, make_offer):
    intro_id = start(login_as, people, "graduate")
    thesis = make_offer(company=people["company"], kind=OfferKind.thesis, title="Masterarbeit Wasserstoff")
    login_as(people["graduate"])
    client.post(f"/introductions/offers/{thesis.id}/interest")
    login_as(people["staff"])
    page = client.get("/introductions/pipeline").get_data(as_text=True)
    assert 'id="state-accepted_by_graduate"' in page and "Masterarbeit Wasserstoff" in page
    page = client.get("/introductions/pipeline?field=qualification").get_data(as_text=True)
    assert "Masterarbeit Wasserstoff" in page and f"/introductions/{intro_id}\"" not in page
    page = client.get("/introductions/pipeline?kind=job").get_data(as_text=True)
    assert "Masterarbeit Wasserstoff" not in page and f"/introductions/{intro_id}\"" in page
    page = client.get(f"/introductions/pipeline?company={people['company'].id}&older=0").get_data(as_text=True)
    assert "Masterarbeit Wasserstoff" in page
    page = client.get("/introductions/pipeline?older=5").get_data(as_text=True)
    assert 'class="empty"' in page
    for bad in ("kind=spaceship", "field=x", "company=abc", "company=-1", "older=-3", "older=99999999999999",
                "state=nope", "page=0", "page=abc", "page=99999999999", "company=%3Cscript%3E"):
        response = client.get(f"/introductions/pipeline?{bad}")
        assert response.status_code == 200, bad
        assert "<script>" not in response.get_data(as_text=True)


def test_pipeline_offers_all_five_fields_of_action(db, client, login_as, people):
    """The filter names the same five fields as the About page; a field without offer kinds says why it is empty."""
    intro_id = start(login_as, people, "graduate")
    login_as(people["staff"])
    page = client.get("/introductions/pipeline").get_data(as_text=True)
    assert f"/introductions/{intro_id}\"" in page
    options = re.findall(r'<option[^>]*value="([a-z_]+)"', page.split('id="field"', 1)[1].split("</select>", 1)[0])
    assert options == [field.value for field in FieldOfAction]
    about = client.get("/about").get_data(as_text=True)
    for name in ("qualification and education", "innovation and knowledge transfer", "structural change",
                 "BTU on site in Spremberg", "public relations"):
        assert name in about and name.lower() in page.lower(), name
    for field in (FieldOfAction.on_site, FieldOfAction.public_relations):
        page = client.get(f"/introductions/pipeline?field={field.value}&state=all").get_data(as_text=True)
        assert 'id="field-without-offers"' in page and f"/introductions/{intro_id}\"" not in page
    page = client.get("/introductions/pipeline?field=structural_change").get_data(as_text=True)
    assert f"/introductions/{intro_id}\"" in page and 'id="field-without-offers"' not in page


def test_bulk_close_of_stale_introductions(db, client, login_as, people, outbox, make_offer):
    old_id = start(login_as, people, "graduate")
    intro = _intro(db, old_id)
    intro.created_at = intro.graduate_accepted_at = utcnow() - timedelta(days=20)
    db.session.commit()
    fresh_offer = make_offer(company=people["company"], title="Neu")
    login_as(people["graduate"])
    client.post(f"/introductions/offers/{fresh_offer.id}/interest")
    login_as(people["staff"])
    for bad in ("", "0", "abc", "99999"):
        response = client.post("/introductions/pipeline/close-stale", data={"days": bad})
        assert response.status_code == 303 and 'id="days-err"' in followed(client, response)
    assert client.post("/introductions/pipeline/close-stale", data={"days": "14"}).status_code == 302
    states = {i.id: i.state for i in _all(db)}
    assert states[old_id] == IntroductionState.expired
    assert list(states.values()).count(IntroductionState.accepted_by_graduate) == 1
    assert [m for m in outbox("zq@example.org") if m.kind == "introduction_expired"]


# ---- reminders and expiry with a frozen clock -----------------------------------------------

def test_reminders_once_then_expiry_with_staff_told(db, runner, login_as, people, outbox):
    intro_id = start(login_as, people, "staff")
    created = _intro(db, intro_id).created_at

    def remind(days: float):
        result = runner.invoke(args=["brokering", "remind", "--now", (created + timedelta(days=days)).isoformat()])
        assert result.exit_code == 0, result.output
        return result.output

    def reminders(recipient):
        return [m for m in outbox(recipient) if m.kind == "introduction_reminder"]

    remind(6)
    assert reminders("zq@example.org") == [] and reminders(people["member"].email) == []
    assert "reminders 2" in remind(8)
    assert len(reminders("zq@example.org")) == 1 and len(reminders(people["member"].email)) == 1
    assert NAME not in reminders(people["member"].email)[0].body
    assert "reminders 0" in remind(8)
    remind(12)
    assert len(reminders("zq@example.org")) == 1
    assert _intro(db, intro_id).state == IntroductionState.proposed
    assert "expired 1" in remind(31)
    assert _intro(db, intro_id).state == IntroductionState.expired
    (staff_mail,) = [m for m in outbox(people["staff"].email) if m.kind == "introduction_expired_staff"]
    assert f"/introductions/{intro_id}" in staff_mail.body
    count = db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage))
    assert "expired 0" in remind(40)
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == count


def test_reminder_goes_only_to_the_side_that_must_act(db, runner, login_as, people, outbox):
    intro_id = start(login_as, people, "graduate")
    created = _intro(db, intro_id).created_at
    runner.invoke(args=["brokering", "remind", "--now", (created + timedelta(days=8)).isoformat()])
    assert [m.recipient for m in outbox() if m.kind == "introduction_reminder"] == [people["member"].email]


def test_remind_refuses_a_bad_clock(runner):
    result = runner.invoke(args=["brokering", "remind", "--now", "yesterday"])
    assert result.exit_code != 0 and "ISO" in result.output


# ---- the matching board --------------------------------------------------------------------

def test_board_leaves_out_pairs_with_an_open_introduction(db, client, login_as, people):
    login_as(people["staff"])
    url = f"/introductions/propose/{people['offer'].id}/{people['profile'].id}"
    assert url in client.get("/matches/board").get_data(as_text=True)
    start(login_as, people, "graduate")
    login_as(people["staff"])
    assert url not in client.get("/matches/board").get_data(as_text=True)


def test_revoking_the_findable_consent_hides_the_card_at_once(client, db, make_profile, login_as):
    from matchmaker.models import ConsentRecord

    profile = make_profile(visible_to_companies=False)
    login_as(profile.user)
    assert client.post("/me/visibility", data={"visible": "1"}).status_code == 302
    consent = db.session.scalar(db.select(ConsentRecord).where(ConsentRecord.user_id == profile.user_id,
                                                                ConsentRecord.purpose == "findable"))
    assert consent is not None and consent.revoked_at is None
    assert client.post(f"/introductions/consents/{consent.id}/revoke").status_code == 302
    db.session.refresh(profile)
    db.session.refresh(consent)
    assert profile.visible_to_companies is False and consent.revoked_at is not None


def test_the_privacy_consent_cannot_be_revoked_apart_from_the_account(client, db, make_user, login_as):
    from matchmaker.models import ConsentRecord

    user = make_user()
    consent = ConsentRecord(user_id=user.id, purpose="privacy", text="Privacy notice", text_version="2026-1")
    db.session.add(consent)
    db.session.commit()
    login_as(user)
    response = client.post(f"/introductions/consents/{consent.id}/revoke")
    assert response.status_code in (302, 303)
    db.session.refresh(consent)
    assert consent.revoked_at is None


def test_an_ending_kept_without_reasons_leaves_the_matcher_alone(db, people):
    """The demo data replays past endings with explain=False: the card is kept, the matcher is not built."""
    from matchmaker.brokering import operations
    from matchmaker.matching.index import get_index

    intro = operations.invite_graduate(people["member"], people["offer"], people["profile"])
    assert intro.state == IntroductionState.accepted_by_company
    operations.decline_introduction(intro, people["graduate"], reason="Not now", explain=False)
    assert intro.state == IntroductionState.declined
    assert intro.card_snapshot == {"card": operations.card_snapshot(people["profile"]), "reasons": []}
    assert NAME not in str(intro.card_snapshot)
    assert get_index().matcher is None


# ---- the graduate's side in their own words -------------------------------------------------------

def test_graduate_reads_the_consent_sentence_before_saying_interested(db, login_as, people):
    from markupsafe import escape

    client = login_as(people["graduate"])
    page = client.get(f"/offers/{people['offer'].id}").get_data(as_text=True)
    assert 'id="interest-consent-text"' in page
    intro_id = start(login_as, people, "graduate")
    (consent,) = db.session.scalars(db.select(ConsentRecord).where(ConsentRecord.introduction_id == intro_id))
    assert str(escape(consent.text)) in page


def test_graduate_reads_their_status_in_the_first_person_and_can_withdraw_interest(db, login_as, people):
    intro_id = start(login_as, people, "graduate")
    client = login_as(people["graduate"])
    page = client.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert "You accepted" in page and "The company has not answered yet." in page
    assert "Accepted by the graduate" not in page
    assert "Withdraw my interest" in page and 'id="decline-form"' in page
    listing = client.get("/introductions/").get_data(as_text=True)
    assert "You accepted" in listing and "Accepted by the graduate" not in listing

    response = client.post(f"/introductions/{intro_id}/decline", data={"reason": ""})
    assert response.status_code == 302
    assert _intro(db, intro_id).state == IntroductionState.declined
    assert "Withdraw my interest" not in client.get(f"/introductions/{intro_id}").get_data(as_text=True)


def test_company_still_reads_the_third_person_labels(db, login_as, people):
    intro_id = start(login_as, people, "graduate")
    client = login_as(people["member"])
    page = client.get(f"/introductions/{intro_id}").get_data(as_text=True)
    assert "Accepted by the graduate" in page and "You accepted" not in page


# ---- a company's invitation with a personal message ------------------------------------------------

def test_company_invitation_carries_a_personal_message(db, login_as, people, outbox):
    offer, profile = people["offer"], people["profile"]
    client = login_as(people["member"])
    page = client.get(f"/matches/offers/{offer.id}/graduates").get_data(as_text=True)
    assert f'id="invite-message-{profile.id}"' in page
    response = client.post(f"/introductions/offers/{offer.id}/invite/{profile.id}",
                           data={"message_to_graduate": "  Wir würden Sie gern kennenlernen.  "})
    assert response.status_code == 302
    (intro,) = _all(db)
    assert intro.message_to_graduate == "Wir würden Sie gern kennenlernen."
    (mail,) = outbox("zq@example.org")
    assert "Wir würden Sie gern kennenlernen." in mail.body

    page = login_as(people["graduate"]).get(f"/introductions/{intro.id}").get_data(as_text=True)
    assert "Message from the company:" in page and "Wir würden Sie gern kennenlernen." in page


def test_company_invitation_message_is_optional_and_length_limited(db, login_as, people):
    offer, profile = people["offer"], people["profile"]
    client = login_as(people["member"])
    response = client.post(f"/introductions/offers/{offer.id}/invite/{profile.id}",
                           data={"message_to_graduate": "x" * 2001})
    assert response.status_code == 303 and f"/matches/offers/{offer.id}/graduates" in response.location
    assert _all(db) == []
    assert "At most 2000 characters." in client.get(response.location).get_data(as_text=True)

    response = client.post(f"/introductions/offers/{offer.id}/invite/{profile.id}")
    assert response.status_code == 302
    (intro,) = _all(db)
    assert intro.message_to_graduate == ""


def test_a_refused_invitation_comes_back_with_the_text_typed(db, login_as, people, make_profile):
    offer, profile = people["offer"], people["profile"]
    other = make_profile(visible_to_companies=True, skills=["python"], wanted_kinds=[])
    client = login_as(people["member"])
    typed = "Wir würden Sie gern kennenlernen. " * 59 + "Ende"  # over the 2,000 allowed
    assert len(typed) > 2000
    response = client.post(f"/introductions/offers/{offer.id}/invite/{profile.id}?all=1",
                           data={"message_to_graduate": typed})
    assert response.status_code == 303
    assert response.location.endswith(f"/matches/offers/{offer.id}/graduates?all=1#invite-{profile.id}")
    assert _all(db) == []
    page = client.get(response.location).get_data(as_text=True)
    form = page.split(f'id="invite-{profile.id}"', 1)[1].split("</form>", 1)[0]
    assert typed.rstrip() in form and 'aria-invalid="true"' in form and "At most 2000 characters." in form
    # Only that graduate's form is refilled, and only once: a reload shows empty forms.
    other_form = page.split(f'id="invite-{other.id}"', 1)[1].split("</form>", 1)[0]
    assert "kennenlernen" not in other_form
    again = client.get(response.location).get_data(as_text=True)
    assert "kennenlernen" not in again.split(f'id="invite-{profile.id}"', 1)[1].split("</form>", 1)[0]


def test_each_side_can_list_only_the_introductions_waiting_for_its_answer(db, login_as, make_introduction,
                                                                          make_profile, company_user):
    from matchmaker.models import IntroductionState as S

    profile = make_profile(visible_to_companies=True)
    asked = make_introduction(S.proposed, profile=profile)  # waits for both
    invited = make_introduction(S.accepted_by_company, profile=profile, started_by=Side.company)  # for the graduate
    interested = make_introduction(S.accepted_by_graduate, profile=profile, started_by=Side.graduate)  # the company
    make_introduction(S.introduced, profile=profile)

    def listed(client, path):
        return {int(n) for n in re.findall(r'id="introduction-(\d+)"', client.get(path).get_data(as_text=True))}

    client = login_as(profile.user)
    assert listed(client, "/introductions/?waiting=1") == {asked.id, invited.id}
    assert len(listed(client, "/introductions/")) == 4
    client = login_as(company_user(interested.company))
    assert listed(client, "/introductions/?waiting=1") == {interested.id}
    client = login_as(company_user(invited.company))
    body = client.get("/introductions/?waiting=1").get_data(as_text=True)
    assert "Nothing waits for your answer." in body and 'id="introduction-' not in body


def test_the_introduction_names_the_conditions_of_the_pair_in_the_readers_language(client, db, login_as, people):
    """Beside the card, the pair's conditions with their names (the fits' own words), German and English."""
    intro_id = start(login_as, people, "staff")
    login_as(people["staff"])
    for lang, names in (("en", ("kind of offer", "German level", "degree", "start date")),
                        ("de", ("Art des Angebots", "Deutschniveau"))):
        client.get(f"/lang/{lang}")
        page = client.get(f"/introductions/{intro_id}").get_data(as_text=True)
        conditions = page[page.index('<ul class="conditions">'):]
        conditions = conditions[:conditions.index("</ul>")]
        assert all(name in conditions for name in names), (lang, conditions)
