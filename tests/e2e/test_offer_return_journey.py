"""An anonymous visitor finds an offer, registers from it, confirms, logs in and is back on that offer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from matchmaker.models import Company, Offer, OfferKind, OfferStatus, Sector, utcnow

from .browsing import PASSWORD, submit

pytestmark = pytest.mark.browser

EMAIL = "jonas.krause@example.org"


def _seed_offer(live_db) -> int:
    def seed(db):
        company = Company(name="Spreewald Chemie GmbH", sector=Sector.hydrogen, verified_at=utcnow())
        offer = Offer(company=company, kind=OfferKind.job, title="Laboringenieur (m/w/d)",
                      description="Analytik im Labor.", required_skills=["Analytik"])
        now = utcnow()
        offer.status, offer.published_at, offer.expires_at = OfferStatus.published, now, now + timedelta(days=90)
        db.session.add_all([company, offer])
        db.session.commit()
        return offer.id

    return live_db(seed)


def test_visitor_registers_from_an_offer_and_comes_back_to_it(page, live_db, last_link_to):
    offer_id = _seed_offer(live_db)
    page.goto(f"/offers/{offer_id}")
    with page.expect_navigation():
        page.locator("#interest-anonymous a[href*='/auth/register']").click()
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.check("#accept_privacy")
    submit(page)
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))

    page.goto(last_link_to(EMAIL))
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    submit(page)
    expect(page).to_have_url(re.compile(rf"/offers/{offer_id}$"))
    expect(page.locator("#interest-consent-text")).to_contain_text("Spreewald Chemie GmbH")
