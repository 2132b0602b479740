import re
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from matchmaker.catalog import BTU_PROGRAMMES
from matchmaker.demo import ABOUT_PREFIX, COMPANY_PREFIX, DEMO_DOMAIN, DEMO_PASSWORD
from matchmaker.models import (CEFR_LEVELS, Company, GraduateProfile, Membership, Offer, OfferKind, OfferStatus,
                               Role, User, utcnow)


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

    for role in (Role.staff, Role.board, Role.admin):
        user = db.session.scalar(db.select(User).where(User.email == f"{role.value}@{DEMO_DOMAIN}"))
        assert user.role == role and user.confirmed_at and user.active

    for company in companies:
        (user,) = company.users
        assert user.email == company.contact_email
        assert user.role == Role.company and user.membership == Membership.active and user.confirmed_at
        assert user.active_company is company


def test_second_run_adds_nothing_and_changes_nothing(db, runner, seeded):
    before = _snapshot(db)
    output = _seed(runner)
    assert "already present" in output
    assert _snapshot(db) == before


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
    assert len(_all(db, Offer)) == 40


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
    assert {role for role, _ in emails} == {"graduate", "company", "staff", "board", "admin"}
    assert "demo" in seeded.lower().split("password")[0]
    for _, email in emails:
        response = client.post("/auth/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        assert "/auth/" not in response.location, email
        client.post("/auth/logout")


def test_published_offers_are_live_and_belong_to_verified_companies(db, seeded):
    now, today = utcnow(), date.today()
    offers = _all(db, Offer)
    published = [o for o in offers if o.status == OfferStatus.published]
    assert len(published) >= 30
    for offer in published:
        assert offer.company.is_verified
        assert offer.published_at < now < offer.expires_at
        assert (now - offer.published_at).days <= 42
        assert offer.is_public
    for offer in offers:
        if not offer.company.is_verified:
            assert offer.status == OfferStatus.draft
    statuses = Counter(o.status for o in offers)
    assert statuses[OfferStatus.closed] == 1 and 2 <= statuses[OfferStatus.draft] <= 6


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
        assert offer.start_date > date.today()
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
