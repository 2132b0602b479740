"""What waits is found: a company sees a graduate's interest from the navigation's badge to the introduction;
a graduate with German B1 sees how many offers need better German and shows them with one click."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from matchmaker.models import (Company, Degree, GraduateProfile, Introduction, IntroductionState, Membership, Offer,
                               OfferKind, OfferStatus, Role, Sector, Side, utcnow)

from matchmaker.matching import index

from .browsing import log_in

pytestmark = pytest.mark.browser

COMPANY_USER = "personal@spreetal-energie.example"
GRADUATE = "mara.schulz@example.org"


def _offer(company: Company, title: str, **fields) -> Offer:
    now = utcnow()
    return Offer(company=company, kind=OfferKind.job, title=title, status=OfferStatus.published, published_at=now,
                 expires_at=now + timedelta(days=90), description="Betrieb der Elektrolyseanlage im Industriepark.",
                 required_skills=["Elektrolyse", "Wasserstoff"], **fields)


def _profile(db, user_id: int, **fields) -> GraduateProfile:
    profile = GraduateProfile(user_id=user_id, name="Mara Schulz", headline="Elektrolyse und Wasserstoff",
                              skills=["Elektrolyse", "Wasserstoff"], degree=Degree.master, wanted_kinds=[],
                              visible_to_companies=True, consent_at=utcnow(), **fields)
    profile.sync_german_level()
    db.session.add(profile)
    return profile


def test_company_follows_the_badge_to_a_graduates_waiting_interest(page, live_db, make_account):
    def seed_company(db):
        company = Company(name="Spreetal Energie GmbH", sector=Sector.energy, verified_at=utcnow())
        offer = _offer(company, "Ingenieur Elektrolyse (m/w/d)")
        db.session.add_all([company, offer])
        db.session.commit()
        return company.id, offer.id

    company_id, offer_id = live_db(seed_company)
    make_account(Role.company, COMPANY_USER, company_id=company_id, membership=Membership.active)
    graduate_id = make_account(Role.graduate, GRADUATE)

    def seed_interest(db):
        profile = _profile(db, graduate_id, languages=[{"language": "de", "level": "native"}])
        db.session.flush()
        intro = Introduction(profile_id=profile.id, company_id=company_id, offer_id=offer_id,
                             started_by=Side.graduate, started_by_user_id=graduate_id,
                             state=IntroductionState.accepted_by_graduate, graduate_accepted_at=utcnow(),
                             offer_kind=OfferKind.job)
        db.session.add(intro)
        db.session.commit()
        return intro.id

    intro_id = live_db(seed_interest)
    live_db(lambda db: index.get_matcher())  # as a production process does before serving (wsgi.py)

    log_in(page, COMPANY_USER)
    badge = page.locator("#waiting-badge")
    expect(badge).to_be_visible()
    expect(badge).to_have_text(re.compile(r"^\s*1\s*1 wartet\s*$"))  # the number, and its words for screen readers
    # A screen reader reads the words, not the bare number; a sighted person sees the number only.
    expect(badge.locator(".visually-hidden")).to_have_text("1 wartet")
    assert badge.locator(".visually-hidden").evaluate("el => el.getBoundingClientRect().width") <= 1

    with page.expect_navigation():
        page.locator("nav.primary a", has=badge).click()
    expect(page).to_have_url(re.compile(r"/companies/mine#waiting$"))
    waiting = page.locator("#waiting")
    expect(waiting.locator("#waiting-interest")).to_have_text(
        "1 Absolvent:in ist interessiert und wartet auf Ihre Antwort")
    figures = page.locator(".figures").first
    expect(figures).to_contain_text("1 Absolvent:in interessiert")
    expect(figures).to_contain_text("1 Absolvent:in passt")  # the graduate who said interested fits
    with page.expect_navigation():
        waiting.locator(f"a[href='/introductions/{intro_id}']").click()
    expect(page).to_have_url(re.compile(rf"/introductions/{intro_id}$"))
    expect(page.locator("main")).to_contain_text("Ingenieur Elektrolyse")


def test_graduate_with_german_b1_shows_the_offers_that_need_b2(page, live_db, make_account):
    def seed_offers(db):
        company = Company(name="Lausitz Wasserstoff GmbH", sector=Sector.hydrogen, verified_at=utcnow())
        offers = [_offer(company, "Elektrolyse-Ingenieurin (m/w/d)", min_german_level="B1")]
        offers += [_offer(company, f"Schichtleitung Elektrolyse {n} (m/w/d)", min_german_level=level)
                   for n, level in enumerate(("B2", "B2", "C1"), start=1)]
        db.session.add_all([company, *offers])
        db.session.commit()

    live_db(seed_offers)
    graduate_id = make_account(Role.graduate, GRADUATE, locale="en")
    live_db(lambda db: (_profile(db, graduate_id, languages=[{"language": "de", "level": "B1"}]),
                        db.session.commit()))

    log_in(page, GRADUATE)
    page.goto("/matches/offers", timeout=90_000)  # the first ranking builds the matcher index
    ranked = page.locator("ol.ranked > li")
    expect(ranked).to_have_count(1)
    expect(page.locator("#german")).to_have_value("B1")  # the filter starts at the graduate's own level
    hidden = page.locator("#hidden-german a")
    expect(hidden).to_have_text("3 more need German B2 or higher")
    with page.expect_navigation():
        hidden.click()
    expect(ranked).to_have_count(4)
    expect(page.locator("ol.ranked")).to_contain_text("Schichtleitung Elektrolyse 3")
    expect(page.locator("#german")).to_have_value("")  # "Any": the condition the link set aside
    expect(page.locator("#hidden-offers")).to_have_count(0)
