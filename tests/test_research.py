"""Research units: the public list, staff administration, invitations, the researcher's pages, matching with
the companies' research questions in both languages, introductions between a company and a unit."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from helpers import PASSWORD

from matchmaker.models import (ConsentRecord, Faculty, Introduction, IntroductionState, OfferKind, ResearchUnit, Role,
                               User)

HYDROGEN_EN = dict(name="Chair of Hydrogen Process Engineering", faculty=Faculty.engineering_energy,
                   topics="electrolysis, hydrogen storage, degradation of electrolysers",
                   expertise="We study water electrolysis (PEM and alkaline), the ageing of stacks and the purity "
                             "of hydrogen for industrial use.",
                   methods="long-term tests, impedance spectroscopy, gas chromatography",
                   equipment="PEM electrolysis test bench, gas chromatograph")
TIMBER_EN = dict(name="Chair of Timber Construction", faculty=Faculty.architecture_civil,
                 topics="timber buildings, building physics, fire safety",
                 expertise="Design of multi-storey timber buildings, moisture and fire behaviour of wood.",
                 methods="building physics simulation", equipment="climate chamber")
QUESTION_DE = dict(kind=OfferKind.research_project, title="Degradation unserer Elektrolyseure",
                   description="Unsere PEM-Elektrolyse verliert an Wirkungsgrad. Wir suchen einen Lehrstuhl, der "
                               "die Alterung der Stacks misst und die Reinheit des Wasserstoffs prüft.",
                   required_skills=["Elektrolyse", "Wasserstoff"])


@pytest.fixture
def researcher(make_user):
    return make_user(Role.researcher)


def _text(response) -> str:
    return response.get_data(as_text=True)


# ---- the public list and pages ---------------------------------------------------------------------

def test_public_list_shows_verified_units_only_with_faculty_and_topic_facets(client, db, make_unit):
    make_unit(**HYDROGEN_EN)
    make_unit(**TIMBER_EN)
    hidden = make_unit(verified=False, name="Geheimes Labor")
    page = _text(client.get("/units/"))
    assert "Chair of Hydrogen Process Engineering" in page and "Chair of Timber Construction" in page
    assert "Geheimes Labor" not in page
    assert 'id="faculty-facet"' in page and 'id="topic-facet"' in page and "electrolysis" in page
    by_faculty = _text(client.get("/units/?faculty=architecture_civil"))
    assert "Timber" in by_faculty and "Hydrogen Process" not in by_faculty
    by_topic = _text(client.get("/units/?topic=electrolysis"))
    assert "Hydrogen Process" in by_topic and "Timber" not in by_topic
    by_words = _text(client.get("/units/?q=chromatograph"))
    assert "Hydrogen Process" in by_words and "Timber" not in by_words
    assert client.get(f"/units/{hidden.id}").status_code == 404


def test_bad_filters_are_named_not_500(client, db, make_unit):
    make_unit(**HYDROGEN_EN)
    response = client.get("/units/?faculty=nonsense&q=" + "x" * 101)
    assert response.status_code == 200
    assert "not understood" in _text(response) and "Hydrogen Process" in _text(response)


def test_unit_page_shows_its_public_texts(client, db, make_unit):
    unit = make_unit(**HYDROGEN_EN)
    response = client.get(f"/units/{unit.id}")
    assert response.status_code == 200
    assert "PEM electrolysis test bench" in _text(response)


# ---- staff create, verify and invite; members join and edit ----------------------------------------

def _unit_form(**overrides):
    data = {"name": "Lehrstuhl Verfahrenstechnik", "faculty": "engineering_energy", "kind": "chair",
            "head": "Prof. Dr. Muster", "contact_email": "vt@b-tu.example", "website": "https://www.b-tu.de",
            "topics": "Prozesssimulation\nWärmeübertragung", "expertise": "Prozesse.", "methods": "", "equipment": ""}
    data.update(overrides)
    return data


def test_staff_create_verify_and_invite_a_member_who_registers_by_the_link(client, db, make_user, login_as, outbox):
    staff = make_user(Role.staff)
    login_as(staff)
    response = client.post("/units/new", data=_unit_form())
    assert response.status_code == 302
    unit = db.session.scalar(sa.select(ResearchUnit))
    assert unit.name == "Lehrstuhl Verfahrenstechnik" and not unit.is_verified
    assert "Lehrstuhl Verfahrenstechnik" not in _text(client.get("/units/"))
    assert client.post(f"/units/{unit.id}/verify").status_code == 302
    db.session.refresh(unit)
    assert unit.is_verified
    assert client.post(f"/units/{unit.id}/members", data={"email": "Neu@B-TU.example"}).status_code == 302
    mails = outbox("neu@b-tu.example")
    assert len(mails) == 1
    link = re.search(r"http\S+/units/join/\S+", mails[0].body).group(0)
    path = link[link.index("/units/join/"):]
    client.post("/auth/logout")
    assert "Choose a password" in _text(client.get(path))
    bad = client.post(path, data={"password": "short", "password_again": "short", "accept_privacy": "y"})
    assert bad.status_code == 400
    assert db.session.scalar(sa.select(User).where(User.email == "neu@b-tu.example")) is None
    done = client.post(path, data={"password": PASSWORD, "password_again": PASSWORD, "accept_privacy": "y"})
    assert done.status_code == 302
    member = db.session.scalar(sa.select(User).where(User.email == "neu@b-tu.example"))
    assert member.role == Role.researcher and member.confirmed_at is not None
    db.session.refresh(unit)
    assert [m.id for m in unit.members] == [member.id]
    login_as(member)
    mine = _text(client.get("/units/mine"))
    assert "Lehrstuhl Verfahrenstechnik" in mine and "/questions" in mine
    assert client.get("/").status_code == 200


def test_a_member_invites_a_colleague_and_a_researcher_of_another_unit_cannot(client, db, make_user, make_unit,
                                                                             login_as, outbox):
    unit, other = make_unit(), make_unit(name="Lehrstuhl Holzbau")
    member, outsider = make_user(Role.researcher), make_user(Role.researcher)
    from matchmaker.research.operations import add_member

    add_member(unit, member)
    add_member(other, outsider)
    db.session.commit()
    login_as(member)
    page = client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert 'id="invite-member-form"' in page and "Verify and publish" not in page
    assert client.post(f"/units/{unit.id}/members", data={"email": "kollegin@b-tu.example"}).status_code == 302
    assert len(outbox("kollegin@b-tu.example")) == 1
    bad = client.post(f"/units/{unit.id}/members", data={"email": "no address"}, follow_redirects=True)
    assert bad.status_code == 200 and len(outbox()) == 1
    login_as(outsider)
    assert 'id="invite-member-form"' not in client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert client.post(f"/units/{unit.id}/members", data={"email": "x@b-tu.example"}).status_code == 404
    assert outbox("x@b-tu.example") == []


def test_erasing_an_invited_member_clears_the_address_from_the_invitation_record(client, db, make_user, make_unit,
                                                                                 login_as):
    from matchmaker.gdpr.operations import erase_user
    from matchmaker.models import AuditEntry

    unit = make_unit()
    login_as(make_user(Role.staff))
    assert client.post(f"/units/{unit.id}/members", data={"email": "later@b-tu.example"}).status_code == 302
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "invite_unit_member"))
    assert entry.subject_user_id is None and entry.detail == "later@b-tu.example"
    member = make_user(Role.researcher, email="later@b-tu.example")
    erase_user(member)
    db.session.commit()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "invite_unit_member"))
    assert entry is not None and entry.object_id == unit.id
    assert "later@b-tu.example" not in entry.detail
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.detail.contains("later@b-tu.example"))) == 0


def test_an_invitation_cannot_be_used_by_another_account_or_forged(client, db, make_user, make_unit, login_as,
                                                                   outbox):
    staff, other = make_user(Role.staff), make_user(Role.researcher)
    unit = make_unit()
    login_as(staff)
    client.post(f"/units/{unit.id}/members", data={"email": "invited@b-tu.example"})
    body = outbox("invited@b-tu.example")[0].body
    path = re.search(r"/units/join/\S+", body).group(0)
    login_as(other)
    assert client.post(path).status_code == 409
    db.session.refresh(unit)
    assert unit.members == []
    assert client.get(path[:-3] + "xyz").status_code == 400


def test_inviting_a_company_users_address_is_refused(client, db, make_user, make_unit, make_company, company_user,
                                                     login_as, outbox):
    staff, unit = make_user(Role.staff), make_unit()
    owner = company_user(make_company())
    login_as(staff)
    response = client.post(f"/units/{unit.id}/members", data={"email": owner.email}, follow_redirects=True)
    assert "not a researcher" in _text(response)
    assert outbox(owner.email) == []


def test_a_member_edits_their_unit_and_others_cannot(client, db, make_unit, make_user, researcher, login_as):
    unit = make_unit(members=[researcher])
    stranger = make_user(Role.researcher)
    login_as(researcher)
    longest = "x" * 4000
    response = client.post(f"/units/{unit.id}/edit", data=_unit_form(name="Neuer Name", expertise=longest))
    assert response.status_code == 302
    db.session.refresh(unit)
    assert unit.name == "Neuer Name" and unit.expertise == longest
    too_long = client.post(f"/units/{unit.id}/edit", data=_unit_form(expertise="x" * 4001))
    assert too_long.status_code == 400 and "4000" in _text(too_long)
    login_as(stranger)
    assert client.get(f"/units/{unit.id}/edit").status_code == 404
    assert client.post(f"/units/{unit.id}/edit", data=_unit_form(name="Gekapert")).status_code == 404
    db.session.refresh(unit)
    assert unit.name == "Neuer Name"


def test_a_person_may_belong_to_several_units(client, db, make_unit, researcher, login_as):
    first, second = make_unit(name="Erste Einheit", members=[researcher]), make_unit(name="Zweite Einheit",
                                                                                    members=[researcher])
    login_as(researcher)
    page = _text(client.get("/units/mine"))
    assert "Erste Einheit" in page and "Zweite Einheit" in page
    assert first.has_member(researcher) and second.has_member(researcher)


# ---- matching both ways, across languages ----------------------------------------------------------

def test_a_german_question_finds_the_english_unit_with_reasons(client, db, ding, make_unit, make_offer,
                                                               company_user, login_as):
    hydrogen, timber = make_unit(**HYDROGEN_EN), make_unit(**TIMBER_EN)
    offer = make_offer(**QUESTION_DE)
    login_as(company_user(offer.company))
    page = _text(client.get(f"/units/for-offer/{offer.id}"))
    assert f'id="fit-unit-{hydrogen.id}"' in page
    assert f'id="fit-unit-{timber.id}"' not in page or page.index(f"fit-unit-{hydrogen.id}") < page.index(
        f"fit-unit-{timber.id}")
    first = page[page.index(f'id="fit-unit-{hydrogen.id}"'):]
    reasons = first[first.index('class="chips reasons"'):first.index("</ul>")]
    assert re.search(r"[Ee]lektrolys|[Ww]asserstoff", reasons), reasons


def test_an_english_question_finds_the_german_unit_and_the_unit_sees_it(client, db, ding, make_unit, make_offer,
                                                                         researcher, login_as):
    german = make_unit(name="Lehrstuhl Wasserstofftechnik", topics="Elektrolyse, Wasserstoffspeicherung",
                       expertise="Wir untersuchen die Alterung von Elektrolyseuren und die Reinheit von Wasserstoff.",
                       members=[researcher])
    make_unit(**TIMBER_EN)
    question = make_offer(kind=OfferKind.research_project, title="Ageing of our electrolysers",
                          description="Our PEM electrolysis plant loses efficiency. We look for a chair that "
                                      "measures the degradation of the stacks and the purity of the hydrogen.",
                          required_skills=["electrolysis", "hydrogen"], language="en")
    unrelated = make_offer(kind=OfferKind.research_project, title="Holzfassade für die Kantine",
                           description="Brandschutz einer Holzfassade.", required_skills=["Holzbau"])
    job = make_offer(kind=OfferKind.job, title="Elektrolyse-Ingenieur (m/w/d)", required_skills=["Elektrolyse"])
    login_as(researcher)
    page = _text(client.get(f"/units/{german.id}/questions"))
    assert f'id="question-{question.id}"' in page
    assert f'id="question-{job.id}"' not in page  # a job is no research question
    if f'id="question-{unrelated.id}"' in page:
        assert page.index(f"question-{question.id}") < page.index(f"question-{unrelated.id}")
    first = page[page.index(f'id="question-{question.id}"'):]
    reasons = first[first.index('class="chips reasons"'):first.index("</ul>", first.index('class="chips reasons"'))]
    assert re.search(r"electroly|hydrogen", reasons, re.IGNORECASE), reasons
    only_theses = _text(client.get(f"/units/{german.id}/questions?kind=thesis"))
    assert f'id="question-{question.id}"' not in only_theses
    by_field = _text(client.get(f"/units/{german.id}/questions?field=innovation"))
    assert f'id="question-{question.id}"' in by_field
    assert client.get(f"/units/{german.id}/questions?kind=job&field=nonsense").status_code == 200


def test_an_unverified_unit_is_not_matched(client, db, ding, make_unit, make_offer, company_user, login_as):
    hidden = make_unit(verified=False, **HYDROGEN_EN)
    offer = make_offer(**QUESTION_DE)
    login_as(company_user(offer.company))
    assert f'fit-unit-{hidden.id}' not in _text(client.get(f"/units/for-offer/{offer.id}"))


# ---- introductions between a company and a unit ----------------------------------------------------

def test_unit_interest_company_accepts_and_contacts_cross_with_consents(client, db, make_unit, make_offer,
                                                                        company_user, researcher, login_as, outbox):
    unit = make_unit(members=[researcher], contact_email="h2@b-tu.example", **{k: v for k, v in HYDROGEN_EN.items()})
    offer = make_offer(**QUESTION_DE)
    owner = company_user(offer.company)
    login_as(researcher)
    response = client.post(f"/units/{unit.id}/interest/{offer.id}")
    assert response.status_code == 302
    intro = db.session.scalar(sa.select(Introduction))
    assert intro.research_unit_id == unit.id and intro.profile_id is None
    assert intro.state == IntroductionState.accepted_by_graduate and intro.started_by.value == "unit"
    assert len(outbox(owner.email)) == 1
    again = client.post(f"/units/{unit.id}/interest/{offer.id}")
    assert again.status_code in (302, 303) and f"/introductions/{intro.id}" in again.location
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Introduction)) == 1
    login_as(owner)
    before = _text(client.get(f"/introductions/{intro.id}"))
    assert researcher.email not in before and "h2@b-tu.example" not in before.split('id="contact"')[1].split("</section>")[0]
    assert client.post(f"/introductions/{intro.id}/accept").status_code == 302
    db.session.refresh(intro)
    assert intro.state == IntroductionState.introduced
    consents = db.session.scalars(sa.select(ConsentRecord).where(ConsentRecord.introduction_id == intro.id)).all()
    assert {c.user_id for c in consents} == {researcher.id, owner.id}
    assert any("Hydrogen Process" in c.text for c in consents)
    after = _text(client.get(f"/introductions/{intro.id}"))
    assert researcher.email in after and "h2@b-tu.example" in after
    login_as(researcher)
    theirs = _text(client.get(f"/introductions/{intro.id}"))
    assert owner.email in theirs
    assert "Hydrogen Process" in _text(client.get("/introductions/"))
    mails = outbox(researcher.email)
    assert any(owner.email in m.body for m in mails)


def test_staff_propose_the_unit_accepts_and_the_company_accepts(client, db, make_unit, make_offer, make_user,
                                                                company_user, researcher, login_as):
    staff = make_user(Role.staff)
    unit = make_unit(members=[researcher])
    offer = make_offer(**QUESTION_DE)
    owner = company_user(offer.company)
    login_as(staff)
    assert client.post(f"/units/{unit.id}/propose/{offer.id}", data={"message_to_unit": "",
                                                                   "message_to_company": ""}).status_code == 400
    assert client.post(f"/units/{unit.id}/propose/{offer.id}", data={
        "message_to_unit": "Passt gut.", "message_to_company": "Ein Lehrstuhl für Ihre Frage."}).status_code == 302
    intro = db.session.scalar(sa.select(Introduction))
    assert intro.state == IntroductionState.proposed
    stranger = make_user(Role.researcher)
    login_as(stranger)
    assert client.get(f"/introductions/{intro.id}").status_code == 404
    assert client.post(f"/introductions/{intro.id}/accept").status_code == 404
    login_as(researcher)
    assert client.post(f"/introductions/{intro.id}/accept").status_code == 302
    db.session.refresh(intro)
    assert intro.state == IntroductionState.accepted_by_graduate
    login_as(owner)
    assert client.post(f"/introductions/{intro.id}/accept").status_code == 302
    db.session.refresh(intro)
    assert intro.state == IntroductionState.introduced
    login_as(staff)
    wrong = client.post(f"/introductions/{intro.id}/outcome", data={"outcome": "hired", "on_date": "2026-11-01"})
    assert wrong.status_code in (302, 303)
    db.session.refresh(intro)
    assert intro.state == IntroductionState.introduced
    page = _text(client.get(f"/introductions/{intro.id}"))
    assert 'value="project_started"' in page and 'value="hired"' not in page
    client.post(f"/introductions/{intro.id}/outcome", data={"outcome": "funding_applied", "on_date": "2026-11-01"})
    db.session.refresh(intro)
    assert intro.state == IntroductionState.funding_applied


def test_company_invites_a_unit_from_the_ranked_list(client, db, make_unit, make_offer, company_user, researcher,
                                                     login_as, outbox):
    unit = make_unit(members=[researcher])
    offer = make_offer(**QUESTION_DE)
    login_as(company_user(offer.company))
    too_long = client.post(f"/units/{unit.id}/invite/{offer.id}", data={"message": "x" * 2001})
    assert too_long.status_code in (302, 303)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Introduction)) == 0
    assert client.post(f"/units/{unit.id}/invite/{offer.id}", data={"message": "x" * 2000}).status_code == 302
    intro = db.session.scalar(sa.select(Introduction))
    assert intro.state == IntroductionState.accepted_by_company and intro.research_unit_id == unit.id
    assert len(outbox(researcher.email)) == 1


def test_a_job_offer_cannot_be_brought_to_a_unit(client, db, make_unit, make_offer, researcher, login_as):
    unit = make_unit(members=[researcher])
    job = make_offer(kind=OfferKind.job)
    login_as(researcher)
    response = client.post(f"/units/{unit.id}/interest/{job.id}", follow_redirects=True)
    assert "Only research questions" in _text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Introduction)) == 0


def test_the_pipelines_field_filter_puts_unit_introductions_under_knowledge_transfer(client, db, make_unit, make_offer,
                                                                                     make_user, login_as):
    researcher = make_user(Role.researcher)
    unit = make_unit(members=[researcher])
    thesis = make_offer(**{**QUESTION_DE, "kind": OfferKind.thesis, "title": "Masterarbeit Stack-Alterung"})
    login_as(researcher)
    assert client.post(f"/units/{unit.id}/interest/{thesis.id}").status_code == 302
    intro = db.session.scalar(sa.select(Introduction))
    assert intro.research_unit_id == unit.id and intro.offer_kind == OfferKind.thesis
    login_as(make_user(Role.staff))
    link = f'/introductions/{intro.id}"'
    assert link in _text(client.get("/introductions/pipeline?field=innovation"))
    assert link not in _text(client.get("/introductions/pipeline?field=qualification"))
    assert link in _text(client.get("/introductions/pipeline"))


def test_an_introduction_has_a_graduate_or_a_unit_never_both(app, db, make_unit, make_offer, make_profile):
    offer = make_offer(**QUESTION_DE)
    intro = Introduction(profile=make_profile(), research_unit=make_unit(), company_id=offer.company_id,
                         offer=offer, started_by="staff", state=IntroductionState.proposed)
    db.session.add(intro)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_matching_board_lists_question_and_unit_pairs_to_propose(client, db, ding, make_unit, make_offer,
                                                                     make_user, login_as):
    unit = make_unit(**HYDROGEN_EN)
    offer = make_offer(**QUESTION_DE)
    login_as(make_user(Role.staff))
    page = _text(client.get("/matches/board"))
    section = page[page.index('id="unit-pairs"'):]
    assert f"/units/{unit.id}/propose/{offer.id}" in section and 'class="chips reasons"' in section
    assert 'id="unit-pairs"' not in _text(client.get("/matches/board?page=2"))


def test_a_researcher_who_deletes_their_account_leaves_their_units(client, db, make_unit, researcher, login_as):
    from matchmaker.gdpr.operations import erase_user

    unit = make_unit(members=[researcher])
    assert unit.has_member(researcher)
    erase_user(researcher)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ResearchUnit, unit.id).members == []


def test_a_unit_that_left_an_introduction_waiting_is_reminded_then_it_expires(app, db, make_unit, make_offer,
                                                                            make_introduction, researcher, outbox):
    from datetime import timedelta

    from matchmaker.brokering.operations import send_reminders
    from matchmaker.models import utcnow

    unit = make_unit(members=[researcher])
    now = utcnow()
    intro = make_introduction(IntroductionState.accepted_by_company, offer=make_offer(**QUESTION_DE), unit=unit,
                              now=now - timedelta(days=8))
    assert intro.waiting_sides() == [intro.party_side] and intro.party_side.value == "unit"
    with app.test_request_context():
        assert send_reminders(now) == (1, 0)
        db.session.commit()
        assert intro.reminded_graduate_at is not None and intro.reminded_company_at is None
        assert len(outbox(researcher.email)) == 1
        assert send_reminders(now) == (0, 0)
        assert send_reminders(now + timedelta(days=23)) == (0, 1)
        db.session.commit()
    assert intro.state == IntroductionState.expired


def test_the_index_follows_a_unit_edit_without_a_rebuild(client, db, ding, make_unit, make_offer, company_user,
                                                         login_as, researcher):
    from matchmaker.matching.index import get_index

    unit = make_unit(members=[researcher], name="Chair of Timber Construction", topics="timber buildings",
                     expertise="Multi-storey timber buildings and fire safety.", methods="", equipment="")
    offer = make_offer(**QUESTION_DE)
    login_as(company_user(offer.company))
    assert f"fit-unit-{unit.id}" not in _text(client.get(f"/units/for-offer/{offer.id}"))
    builds = get_index().builds
    login_as(researcher)
    assert client.post(f"/units/{unit.id}/edit", data=_unit_form(
        name="Chair of Timber Construction", topics="electrolysis, hydrogen purity",
        expertise="We now measure the ageing of PEM electrolysers.")).status_code == 302
    login_as(company_user(offer.company))
    assert f"fit-unit-{unit.id}" in _text(client.get(f"/units/for-offer/{offer.id}"))
    assert get_index().builds == builds
