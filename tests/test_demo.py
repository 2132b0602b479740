import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from matchmaker.catalog import BTU_PROGRAMMES
from matchmaker.demo import ABOUT_PREFIX, COMPANY_PREFIX, DEMO_DOMAIN, DEMO_PASSWORD
from matchmaker.models import (GRADUATE_OUTCOME_STATES, UNIT_OUTCOME_STATES, CEFR_LEVELS, CLOSED_STATES, OUTCOME_STATES, WAITING_STATES, AuditEntry, Company,
                               ConsentRecord, Event, EventAudience, EventPlace, EventType, FieldOfAction,
                               GraduateProfile, Introduction, IntroductionState, Measure, MeasureStatus, Membership, Offer,
                               OfferKind, OfferStatus, RegistrationStatus, RetentionCheck, Role, Side, User, utcnow)

BERLIN = ZoneInfo("Europe/Berlin")


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(BERLIN)


def _quarter(moment: datetime) -> tuple[int, int]:
    """(year, quarter 1–4) of a stored UTC time, in Europe/Berlin."""
    local = _local(moment)
    return local.year, (local.month - 1) // 3 + 1


def _quarters_back(moment: datetime, n: int) -> tuple[int, int]:
    year, quarter = _quarter(moment)
    index = year * 4 + quarter - 1 - n
    return index // 4, index % 4 + 1


def _seed(runner) -> str:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _all(db, model):
    return list(db.session.scalars(db.select(model).order_by(model.id)))


def _snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table, so that a second run can be compared to the first."""
    db.session.expire_all()
    return {table.name: [tuple(row) for row in db.session.execute(
                sa.select(table).order_by(*table.primary_key.columns))]
            for table in db.metadata.sorted_tables}


@pytest.fixture
def seeded(runner):
    return _seed(runner)


def test_seed_creates_the_described_amounts(db, seeded):
    assert "Demo data loaded" in seeded
    companies = _all(db, Company)
    offers = _all(db, Offer)
    profiles = _all(db, GraduateProfile)
    assert 10 <= len(companies) <= 14
    assert 35 <= len(offers) <= 45
    assert 55 <= len(profiles) <= 65
    assert set(Counter(o.kind for o in offers)) == set(OfferKind)
    assert {o.language for o in offers} == {"de", "en"}
    assert sum(o.language == "de" for o in offers) > sum(o.language == "en" for o in offers)
    assert len({c.sector for c in companies}) >= 9
    assert {c.site for c in companies} >= {"Industriepark Schwarze Pumpe", "Spremberg", "Spreetal"}
    assert 1 <= sum(not c.is_verified for c in companies) <= 2

    for role in (Role.staff, Role.board, Role.admin, Role.researcher):
        user = db.session.scalar(db.select(User).where(User.email == f"{role.value}@{DEMO_DOMAIN}"))
        assert user.role == role and user.confirmed_at and user.active

    for company in companies:
        (user,) = company.users
        assert user.email == company.contact_email
        assert user.role == Role.company and user.membership == Membership.active and user.confirmed_at
        assert user.active_company is company


def test_second_run_adds_nothing_and_changes_nothing(db, runner, seeded):
    before = _snapshot(db)
    assert len(before["introduction"]) >= 40 and len(before["event"]) >= 8
    assert before["event_registration"] and before["consent_record"] and before["audit_entry"]
    output = _seed(runner)
    assert "already present" in output
    after = _snapshot(db)
    assert {name: len(rows) for name, rows in after.items()} == {name: len(rows) for name, rows in before.items()}
    assert after == before


def test_missing_pieces_come_back_and_edits_are_kept(db, runner, seeded):
    offer = db.session.scalar(db.select(Offer).order_by(Offer.id))
    title, company_id = offer.title, offer.company_id
    db.session.delete(offer)
    profile = db.session.scalar(db.select(GraduateProfile).order_by(GraduateProfile.id))
    profile.headline = "Changed by the graduate"
    db.session.commit()

    output = _seed(runner)
    assert "1 offers" in output and "0 graduate profiles" in output
    db.session.expire_all()
    assert db.session.scalar(db.select(Offer).where(Offer.title == title, Offer.company_id == company_id))
    assert db.session.get(GraduateProfile, profile.id).headline == "Changed by the graduate"
    assert len(_all(db, Offer)) == 44  # 40 of demo.py, 4 research questions of demo_research.py


def test_everything_is_marked_as_demo_and_uses_no_real_domain(db, seeded):
    for model in (User, Company, Offer, GraduateProfile):
        assert all(row.is_demo for row in _all(db, model)), model
    for user in _all(db, User):
        assert user.email.endswith("@" + DEMO_DOMAIN)
    for company in _all(db, Company):
        assert company.name.startswith(COMPANY_PREFIX) and company.about.startswith(ABOUT_PREFIX)
        assert re.fullmatch(r"https://[a-z0-9-]+\.example\.org", company.website)
        assert company.contact_email.endswith("@" + DEMO_DOMAIN)
    # Every address in any text is under a reserved domain.
    texts = [o.description for o in _all(db, Offer)] + [p.about + p.cv_text for p in _all(db, GraduateProfile)]
    for text in texts:
        for domain in re.findall(r"@([\w.-]+)|https?://([\w.-]+)", text):
            assert any(d.endswith((".example", ".example.org")) for d in domain if d), domain


def test_one_password_hash_for_all_demo_accounts(db, seeded):
    assert len({u.password_hash for u in _all(db, User)}) == 1
    assert len(DEMO_PASSWORD) >= 12


def test_printed_logins_work(client, seeded):
    password = re.search(r"password for all: (\S+)", seeded).group(1)
    emails = re.findall(r"^\s+(\w+)\s+(\S+@\S+)$", seeded, flags=re.M)
    assert {role for role, _ in emails} == {"graduate", "company", "staff", "board", "admin", "researcher"}
    assert "demo" in seeded.lower().split("password")[0]
    for _, email in emails:
        response = client.post("/auth/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        assert "/auth/" not in response.location, email
        client.post("/auth/logout")


def test_published_offers_are_live_and_belong_to_verified_companies(db, seeded):
    now = utcnow()
    offers = _all(db, Offer)
    published = [o for o in offers if o.status == OfferStatus.published]
    assert len(published) >= 15
    for offer in published:
        assert offer.company.is_verified
        assert offer.published_at < now < offer.expires_at
        assert (now - offer.published_at).days <= 42
        assert offer.is_public
    for offer in offers:
        if not offer.company.is_verified:
            assert offer.status == OfferStatus.draft
    statuses = Counter(o.status for o in offers)
    assert 2 <= statuses[OfferStatus.draft] <= 6
    # The offers that are over were published, ran their time and ended, all in the past.
    over = [o for o in offers if o.status in (OfferStatus.closed, OfferStatus.expired)]
    assert len(over) >= 10
    for offer in over:
        assert offer.company.verified_at < offer.published_at < offer.expires_at <= now
        assert not offer.is_public
    assert len({o.kind for o in published}) >= 5


def test_offers_were_published_over_the_last_eight_quarters(db, seeded):
    now = utcnow()
    offers = [o for o in _all(db, Offer) if o.published_at is not None]
    quarters = {_quarter(o.published_at) for o in offers}
    assert len(quarters) >= 7
    assert min(quarters) >= _quarters_back(now, 7)
    for offer in offers:
        assert offer.company.created_at < offer.created_at <= offer.published_at < now


def test_offers_read_like_real_ones(db, seeded):
    offers = _all(db, Offer)
    german = [o for o in offers if o.language == "de"]
    english = [o for o in offers if o.language == "en"]
    assert all(o.min_german_level is None for o in english)
    assert all(o.min_german_level in CEFR_LEVELS for o in german)
    assert sum(o.min_german_level in ("B2", "C1") for o in german) >= len(german) * 2 // 3
    assert len({o.title for o in offers}) == len(offers)
    for offer in offers:
        assert 80 <= len(offer.description.split()) <= 250, offer.title
        assert offer.required_skills and offer.fields_of_study
        assert set(offer.fields_of_study) <= set(BTU_PROGRAMMES), offer.title
        if offer.is_public:
            assert offer.start_date > date.today()
        else:
            assert offer.start_date > offer.published_at.date() if offer.published_at else True
        assert 0 <= offer.remote_share <= 100
        assert offer.created_by_id == offer.company.users[0].id


def test_profiles_are_varied_and_consent_is_recorded(db, seeded):
    profiles = _all(db, GraduateProfile)
    visible = [p for p in profiles if p.visible_to_companies]
    assert 0.55 <= len(visible) / len(profiles) <= 0.75
    assert all(p.consent_at for p in visible)
    assert all(p.consent_at is None for p in profiles if not p.visible_to_companies)
    assert {p.user.locale for p in profiles} == {"de", "en"}
    assert len({p.study_programme for p in profiles}) >= 10
    assert len({p.degree for p in profiles}) >= 3
    assert len({p.name for p in profiles}) == len(profiles)
    kinds = {k.value for k in OfferKind}
    for profile in profiles:
        assert re.fullmatch(rf"graduate\d{{2}}@{re.escape(DEMO_DOMAIN)}", profile.user.email)
        assert profile.user.role == Role.graduate and profile.user.confirmed_at
        assert profile.study_programme in BTU_PROGRAMMES
        assert len(profile.skills) >= 4 and profile.headline and profile.about and profile.cv_text
        assert profile.wanted_kinds and set(profile.wanted_kinds) <= kinds
        german = [entry["level"] for entry in profile.languages if entry["language"] == "de"]
        assert profile.german_level == (german[0] if german else None)
    # The offers' vocabulary turns up in the profiles, so the matcher has something to find.
    offer_skills = {s.lower() for o in _all(db, Offer) for s in o.required_skills}
    profile_skills = {s.lower() for p in profiles for s in p.skills}
    assert len(offer_skills & profile_skills) >= 15


def test_text_fits_the_columns(db, seeded):
    for model in (User, Company, Offer, GraduateProfile):
        limits = {c.key: c.type.length for c in model.__table__.columns
                  if isinstance(c.type, sa.String) and getattr(c.type, "length", None)}
        for row in _all(db, model):
            for key, limit in limits.items():
                value = getattr(row, key)
                assert value is None or len(getattr(value, "value", value)) <= limit, (model, key, value)


# ---- introductions ------------------------------------------------------------------------------

def _introductions(db) -> list[Introduction]:
    """The graduates' introductions (those to research units are tested below)."""
    return [i for i in _all(db, Introduction) if i.research_unit_id is None]


def test_introductions_in_every_state_from_every_side_over_eight_quarters(db, seeded):
    now = utcnow()
    introductions = _introductions(db)
    assert {i.state for i in introductions} == set(IntroductionState) - (UNIT_OUTCOME_STATES - GRADUATE_OUTCOME_STATES)
    assert {i.started_by for i in introductions} == {Side.graduate, Side.company, Side.staff}
    quarters = Counter(_quarter(i.created_at) for i in introductions)
    assert len(quarters) >= 6, quarters
    assert min(quarters) >= _quarters_back(now, 7)
    # Ended and final states across the quarters, not only lately.
    assert len({_quarter(i.created_at) for i in introductions if i.state in CLOSED_STATES}) >= 6
    hires = [i for i in introductions if i.state == IntroductionState.hired]
    assert len(hires) >= 5
    ages = [(now.date() - i.outcome_on).days for i in hires]
    assert any(age > 365 for age in ages) and any(183 < age <= 365 for age in ages), ages
    # Findable and non-findable graduates take part; only a graduate starts with a non-findable profile.
    assert {i.profile.visible_to_companies for i in introductions} == {True, False}
    for intro in introductions:
        if intro.started_by != Side.graduate:
            assert intro.profile.visible_to_companies and intro.profile.consent_at < intro.created_at
        assert intro.profile.is_demo and intro.offer.is_demo
        assert intro.company_id == intro.offer.company_id and intro.offer_kind == intro.offer.kind


def test_introduction_times_agree_with_each_other_and_the_state(db, seeded):
    now = utcnow()
    for intro in _introductions(db):
        label = (intro.id, intro.state.value)
        accepted = [t for t in (intro.graduate_accepted_at, intro.company_accepted_at) if t]
        assert all(intro.created_at <= t for t in accepted), label
        assert intro.offer.published_at <= intro.created_at < intro.offer.expires_at, label
        assert intro.profile.created_at < intro.created_at, label
        if intro.state in WAITING_STATES:
            assert intro.introduced_at is None and intro.closed_at is None and intro.outcome_on is None, label
            assert intro.offer.is_public, label
            # Still waiting: younger than the 30 days after which `flask brokering remind` expires it.
            assert now - intro.waiting_since() < timedelta(days=30), label
            for side in intro.waiting_sides():
                reminded = intro.reminded_graduate_at if side == Side.graduate else intro.reminded_company_at
                assert (reminded is not None) == (now - intro.waiting_since() > timedelta(days=7)), label
        if intro.state == IntroductionState.proposed:
            assert not accepted, label
        elif intro.state == IntroductionState.accepted_by_graduate:
            assert intro.graduate_accepted_at and not intro.company_accepted_at, label
        elif intro.state == IntroductionState.accepted_by_company:
            assert intro.company_accepted_at and not intro.graduate_accepted_at, label
        if intro.state in OUTCOME_STATES | {IntroductionState.introduced, IntroductionState.withdrawn}:
            assert intro.introduced_at == max(accepted) and len(accepted) == 2, label
        if intro.state in OUTCOME_STATES:
            assert intro.outcome_on is not None and intro.introduced_at.date() <= intro.outcome_on <= now.date(), label
        else:
            assert intro.outcome_on is None, label
        if intro.state in CLOSED_STATES:
            assert intro.closed_at is not None and intro.closed_at <= now, label
            assert intro.closed_at >= max(accepted + [intro.created_at]), label
        else:
            assert intro.closed_at is None, label
        if intro.state in (IntroductionState.declined, IntroductionState.withdrawn, IntroductionState.expired):
            assert intro.card_snapshot and intro.card_snapshot["card"]["pseudonym"] == intro.profile.pseudonym, label
            assert intro.profile.name not in str(intro.card_snapshot), label
        if intro.state == IntroductionState.expired:
            assert intro.closed_at - intro.waiting_since() >= timedelta(days=30), label
        times = [t for t in (intro.created_at, intro.introduced_at, intro.closed_at, *accepted) if t]
        assert max(times) <= intro.updated_at <= now, label


def test_every_acceptance_has_its_consent_and_every_step_its_backdated_audit_entry(db, seeded, outbox):
    for intro in _introductions(db):
        consents = list(db.session.scalars(db.select(ConsentRecord).where(ConsentRecord.introduction_id == intro.id)
                                           .order_by(ConsentRecord.given_at)))
        expected = []
        if intro.graduate_accepted_at:
            expected.append((intro.profile.user_id, intro.graduate_accepted_at))
        if intro.company_accepted_at:
            expected.append((intro.company_accepted_by_id, intro.company_accepted_at))
        assert sorted((c.user_id, c.given_at) for c in consents) == sorted(expected), intro.id
        for consent in consents:
            assert consent.purpose == "introduction" and consent.revoked_at is None
            assert intro.company.name in consent.text
        entries = list(db.session.scalars(db.select(AuditEntry).where(
            AuditEntry.object_type == "introduction", AuditEntry.object_id == intro.id).order_by(AuditEntry.id)))
        assert entries[0].action == "introduction_start" and entries[0].created_at == intro.created_at
        assert entries[0].subject_user_id == intro.profile.user_id
        assert [e.created_at for e in entries] == sorted(e.created_at for e in entries)
        steps = [e for e in entries if e.action != "retention_check"]  # staff ask later, about a hire
        assert steps[-1].created_at <= intro.updated_at
    # Nothing is mailed about fictional introductions.
    assert outbox() == []


def test_a_company_sees_only_the_card_until_both_said_yes(db, client, seeded):
    waiting = [i for i in _introductions(db) if i.state in WAITING_STATES]
    introduced = [i for i in _introductions(db) if i.state == IntroductionState.introduced]
    assert waiting and introduced
    for intro, visible in ((waiting[0], False), (introduced[0], True)):
        company_user = next(u for u in intro.company.users if u.active_company is intro.company)
        name, email = intro.profile.name, intro.profile.user.email
        response = client.post("/auth/login", data={"email": company_user.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        page = client.get(f"/introductions/{intro.id}").get_data(as_text=True)
        assert intro.profile.pseudonym in page or name in page
        assert (name in page) is visible and (email in page) is visible
        client.post("/auth/logout")


def test_staff_find_the_pipeline_and_the_matching_board_filled(db, client, seeded):
    staff = db.session.scalar(db.select(User).where(User.email == f"staff@{DEMO_DOMAIN}"))
    response = client.post("/auth/login", data={"email": staff.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302

    page = client.get("/introductions/pipeline").get_data(as_text=True)
    assert 'class="empty"' not in page
    for state in WAITING_STATES | {IntroductionState.introduced, IntroductionState.interview}:
        assert f'id="state-{state.value}"' in page, state
    everything = client.get("/introductions/pipeline?state=all").get_data(as_text=True)
    assert 'id="state-hired"' in everything

    board = client.get("/matches/board")
    assert board.status_code == 200
    text = board.get_data(as_text=True)
    assert 'class="empty"' not in text
    public_titles = [o.title for o in _all(db, Offer) if o.is_public]
    assert sum(title in text for title in public_titles) >= 3


# ---- the board's plan and report ---------------------------------------------------------------

def test_a_plan_of_eight_measures_across_the_five_fields_with_history(db, seeded):
    measures = _all(db, Measure)
    assert len(measures) == 8
    assert {m.field_of_action for m in measures} == set(FieldOfAction)
    assert {m.status for m in measures} == set(MeasureStatus)
    assert any(m.metric_key for m in measures) and any(m.figures for m in measures)
    for measure in measures:
        assert measure.title.startswith("[Demo] ")
        assert measure.period_start <= measure.period_end
        assert any(change.field == "created" for change in measure.changes)
        assert (measure.status == MeasureStatus.planned) or any(c.field == "status" for c in measure.changes)


def test_retention_checks_recorded_and_some_still_due(db, seeded):
    from matchmaker.reports.queries import add_months, berlin_today

    checks = _all(db, RetentionCheck)
    assert {c.months for c in checks} == {6, 12}
    assert any(c.in_region for c in checks) and not all(c.in_region for c in checks)
    today = berlin_today()
    for check in checks:
        hire = db.session.get(Introduction, check.introduction_id)
        assert hire.state == IntroductionState.hired and add_months(hire.outcome_on, check.months) <= today
    checked = {(c.introduction_id, c.months) for c in checks}
    hires = db.session.scalars(db.select(Introduction).where(Introduction.state == IntroductionState.hired))
    assert any((h.id, m) not in checked and add_months(h.outcome_on, m) <= today for h in hires for m in (6, 12))


def test_the_board_reads_a_filled_report_and_plan(db, client, seeded):
    board = db.session.scalar(db.select(User).where(User.role == Role.board, User.is_demo.is_(True)))
    assert client.post("/auth/login", data={"email": board.email, "password": DEMO_PASSWORD}).status_code == 302
    year_ago = (date.today() - timedelta(days=365)).isoformat()
    report = client.get(f"/report/?start={year_ago}&end={date.today().isoformat()}")
    assert report.status_code == 200
    page = report.get_data(as_text=True)
    assert page.count("<svg") >= 6
    plan = client.get("/report/plan").get_data(as_text=True)
    assert sum(m.title in plan for m in _all(db, Measure)) == 8


# ---- events -------------------------------------------------------------------------------------

def test_events_past_and_upcoming_of_every_type_and_place(db, seeded):
    now = utcnow()
    events = _all(db, Event)
    assert 8 <= len(events) <= 12
    assert {e.type for e in events} == set(EventType)
    assert {e.place for e in events} == set(EventPlace)
    assert {e.audience for e in events} == set(EventAudience)
    assert {e.field_of_action for e in events} == set(FieldOfAction)
    past = [e for e in events if e.ends_at < now]
    upcoming = [e for e in events if e.starts_at > now]
    assert len(past) >= 4 and len(upcoming) >= 4
    assert any(e.place == EventPlace.spremberg and e.type == EventType.office_hours for e in past + upcoming)
    assert any(e.place == EventPlace.dock3 and e.type == EventType.job_fair for e in events)
    assert any(e.capacity is None for e in events) and any(e.capacity for e in events)
    assert any(e.companies for e in events) and any(e.offers for e in events)
    for event in events:
        assert event.title_de and event.title_en and event.title_de != event.title_en
        assert event.description_de.startswith(ABOUT_PREFIX) and event.description_en.startswith(ABOUT_PREFIX)
        assert event.starts_at < event.ends_at <= event.starts_at + timedelta(hours=6)
        start, end = _local(event.starts_at), _local(event.ends_at)
        assert start.date() == end.date() and 9 <= start.hour and end.hour <= 20, event.title_en
        assert event.created_at < event.starts_at and event.created_at <= now
        assert all(c.is_demo and c.is_verified for c in event.companies)
        # A linked offer was open on the day.
        assert all(o.published_at <= event.starts_at < o.expires_at for o in event.offers), event.title_en


def test_event_registrations_waiting_list_and_attendance(db, seeded):
    now = utcnow()
    events = _all(db, Event)
    full = []
    for event in events:
        regs = event.registrations
        assert regs, event.title_en
        statuses = Counter(r.status for r in regs)
        if event.capacity is not None:
            assert statuses[RegistrationStatus.registered] <= event.capacity
        if statuses[RegistrationStatus.waiting]:
            assert statuses[RegistrationStatus.registered] == event.capacity
            last_place = max(r.created_at for r in regs if r.status == RegistrationStatus.registered)
            assert all(r.created_at > last_place for r in regs if r.status == RegistrationStatus.waiting)
            full.append(event)
        assert len({r.user_id for r in regs}) == len(regs)
        for reg in regs:
            assert event.created_at < reg.created_at < event.starts_at and reg.created_at < now
            assert reg.user.is_demo
            if event.audience == EventAudience.graduates:
                assert reg.user.role == Role.graduate
            elif event.audience == EventAudience.companies:
                assert reg.user.role == Role.company
            if reg.status == RegistrationStatus.cancelled:
                assert reg.created_at < reg.cancelled_at < min(event.starts_at, now) and reg.attended is None
            else:
                assert reg.cancelled_at is None
        past = event.ends_at < now
        for reg in regs:
            if past and reg.status == RegistrationStatus.registered:
                assert reg.attended is not None
            else:
                assert reg.attended is None
        assert (event.walk_ins > 0) if past else (event.walk_ins == 0)
    assert full and any(e.starts_at > now for e in full)
    attended = [r.attended for e in events if e.ends_at < now for r in e.registrations
                if r.status == RegistrationStatus.registered]
    assert attended.count(True) > attended.count(False) > 0
    people = {r.user.role for e in events for r in e.registrations}
    assert people == {Role.graduate, Role.company}


def test_the_same_data_every_time(db, runner, seeded):
    def fingerprint():
        db.session.expire_all()
        today = utcnow().date()
        intros = sorted((i.offer.title, i.profile.user.email, i.state.value, i.started_by.value,
                         (today - i.created_at.date()).days) for i in _introductions(db))
        events = sorted((e.title_de, tuple(sorted((r.user.email, r.status.value, r.attended)
                                                  for r in e.registrations))) for e in _all(db, Event))
        return intros, events

    first = fingerprint()
    assert first[0] and first[1]
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    assert _all(db, Introduction) == []
    _seed(runner)
    assert fingerprint() == first


def test_stories_and_news_one_waiting_for_the_demo_graduate(db, client, seeded):
    from matchmaker.models import Story, StoryKind, StoryStatus

    stories = _all(db, Story)
    assert sum(s.kind == StoryKind.story for s in stories) == 3
    assert sum(s.kind == StoryKind.news for s in stories) == 2
    waiting = [s for s in stories if s.status == StoryStatus.awaiting_consent]
    assert len(waiting) == 1 and waiting[0].people and waiting[0].people[0].confirmed_at is None
    for story in stories:
        assert story.body_de.startswith("[Demo] ") and story.image
        for person in story.people:
            assert person.user.is_demo
            assert (person.consent is not None) == (person.confirmed_at is not None)
    published = [s for s in stories if s.status == StoryStatus.published]
    assert len(published) == 4
    page = client.get("/").get_data(as_text=True)
    assert published[0].title_en in page or any(s.title_en in page for s in published)
    assert waiting[0].title_en not in page
    # The demo graduate whose login is printed finds the story waiting for them.
    graduate = waiting[0].people[0].user
    assert graduate.email in seeded
# ---- research units -------------------------------------------------------------------------------

def test_research_units_questions_and_unit_introductions(db, client, seeded):
    from matchmaker.models import ResearchUnit

    units = _all(db, ResearchUnit)
    assert 9 <= len(units) <= 12
    assert all(u.is_demo and u.name.startswith("Demo: ") and u.contact_email.endswith("@" + DEMO_DOMAIN)
               for u in units)
    assert len({u.faculty for u in units}) >= 4
    assert sum(not u.is_verified for u in units) == 1
    questions = [o for o in _all(db, Offer) if o.kind == OfferKind.research_project and o.is_public]
    assert len(questions) >= 4 and {o.language for o in questions} == {"de", "en"}
    researcher = db.session.scalar(db.select(User).where(User.email == f"researcher@{DEMO_DOMAIN}"))
    (mine,) = [u for u in units if u.has_member(researcher)]
    unit_intros = [i for i in _all(db, Introduction) if i.research_unit_id is not None]
    assert len(unit_intros) == 2 and all(i.profile_id is None for i in unit_intros)
    assert {i.state for i in unit_intros} == {IntroductionState.introduced, IntroductionState.proposed}
    made = next(i for i in unit_intros if i.state == IntroductionState.introduced)
    assert made.research_unit_id == mine.id
    consents = db.session.scalars(db.select(ConsentRecord).where(ConsentRecord.introduction_id == made.id)).all()
    assert {c.user_id for c in consents} == {researcher.id, made.company_accepted_by_id}
    response = client.post("/auth/login", data={"email": researcher.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/units/mine")
    page = client.get(f"/units/{mine.id}/questions").get_data(as_text=True)
    assert made.offer.title in page and 'class="chips reasons"' in page
    detail = client.get(f"/introductions/{made.id}").get_data(as_text=True)
    assert made.company.contact_email in detail or db.session.get(User, made.company_accepted_by_id).email in detail


def test_the_chair_company_story_is_on_the_chairs_page(db, client, seeded):
    from matchmaker.models import ResearchUnit, Story, StoryLink, StoryStatus

    linked = db.session.execute(db.select(Story, ResearchUnit).join(StoryLink, StoryLink.story_id == Story.id)
                                .join(ResearchUnit, ResearchUnit.id == StoryLink.research_unit_id)).all()
    assert len(linked) == 1
    story, unit = linked[0]
    assert story.status == StoryStatus.published and unit.is_verified and unit.is_demo
    assert {link.company.name for link in story.links if link.company is not None}  # the company as well
    page = client.get(f"/units/{unit.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert story.title_en in page
