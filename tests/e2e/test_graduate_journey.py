"""A graduate registers, confirms, fills the profile, previews the card and finds offers that fit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from matchmaker.models import Company, Offer, OfferKind, OfferStatus, Sector, utcnow

from .browsing import log_in, register, submit

pytestmark = pytest.mark.browser

EMAIL = "mara.schulz@example.org"
NAME = "Mara Schulz"


def _seed_offers(live_db) -> dict[str, int]:
    """A verified company with one offer that fits the profile below and one that does not."""

    def seed(db):
        company = Company(name="Lausitzer Wasserstoff GmbH", sector=Sector.hydrogen, verified_at=utcnow())
        fitting = Offer(company=company, kind=OfferKind.job, title="Prozessingenieur Elektrolyse (m/w/d)",
                        description="Planung und Betrieb unserer Elektrolyseanlage mit Python-Auswertungen.",
                        required_skills=["Python", "Elektrolyse"], nice_skills=["Prozesssimulation"])
        other = Offer(company=company, kind=OfferKind.job, title="Disponent Schwerlastlogistik (m/w/d)",
                      description="Touren planen, Lager steuern.", required_skills=["Disposition", "Lagerlogistik"])
        now = utcnow()
        for offer in (fitting, other):
            offer.status, offer.published_at, offer.expires_at = OfferStatus.published, now, now + timedelta(days=90)
        db.session.add_all([company, fitting, other])
        db.session.commit()
        return {"fitting": fitting.id, "other": other.id}

    return live_db(seed)


def test_graduate_registers_fills_profile_and_finds_offers(page, live_db, last_link_to):
    offers = _seed_offers(live_db)

    # Register, confirm by the mailed link, log in.
    register(page, "/auth/register", EMAIL)
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    page.goto(last_link_to(EMAIL))
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    log_in(page, EMAIL)
    expect(page).to_have_url(re.compile(r"/me/$"))

    # Fill the profile.
    page.goto("/me/profile")
    page.fill("#name", NAME)
    page.fill("#headline", "Verfahrensingenieurin für Wasserstoff und Elektrolyse")
    page.select_option("#study_programme", "Energietechnik und Energiewirtschaft")
    page.select_option("#degree", "master")
    page.fill("#skills", "Python, Elektrolyse, Prozesssimulation")
    page.select_option("#languages-0-language", "de")
    page.select_option("#languages-0-level", "native")
    page.select_option("#languages-1-language", "en")
    page.select_option("#languages-1-level", "C1")
    page.check("input[name=wanted_kinds][value=job]")
    page.check("input[name=wanted_kinds][value=trainee]")
    page.check("#visible_to_companies")
    submit(page, "main form[action='/me/profile']")
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.locator(".flash.success")).to_be_visible()

    def stored(db):
        from matchmaker.models import User

        profile = db.session.scalar(db.select(User).where(User.email == EMAIL)).profile
        return (profile.name, profile.skills, profile.languages, profile.wanted_kinds, profile.german_level,
                profile.visible_to_companies, profile.consent_at is not None)

    assert live_db(stored) == (
        NAME, ["Python", "Elektrolyse", "Prozesssimulation"],
        [{"language": "de", "level": "native"}, {"language": "en", "level": "C1"}],
        ["job", "trainee"], "native", True, True)

    # The card companies see: headline, studies, skills; never the name.
    page.goto("/me/card")
    card = page.locator("article.graduate-card")
    expect(card.locator("h3")).to_have_text(re.compile(r"^G-\d{5}$"))
    expect(card).to_contain_text("Verfahrensingenieurin für Wasserstoff")
    expect(card).to_contain_text("Energietechnik und Energiewirtschaft")
    expect(card.locator("ul.chips li")).to_have_text(["Python", "Elektrolyse", "Prozesssimulation"])
    expect(page.locator("main")).not_to_contain_text("Mara")
    expect(page.locator("main")).not_to_contain_text("Schulz")
    expect(page.locator("main")).not_to_contain_text(EMAIL)

    # Offers that fit: the fitting offer, with a fit label and the shared terms as reasons.
    page.goto("/matches/offers")
    ranked = page.locator("ol.ranked > li")
    first = ranked.first
    expect(first.locator(f"a[href='/offers/{offers['fitting']}']")).to_be_visible()
    expect(first.locator(".fit .tag")).to_have_class(re.compile(r"\bfit-(very_good|good|partial)\b"))
    expect(first.locator("ul.reasons li").first).to_be_visible()
    reasons = " ".join(first.locator("ul.reasons li").all_inner_texts())
    assert "Python" in reasons or "Elektrolyse" in reasons, reasons
    expect(page.locator(f"ol.ranked a[href='/offers/{offers['other']}']")).to_have_count(0)
    page.screenshot(path="/tmp/e2e-offers-that-fit.png", full_page=True)

    # The public list, searched.
    page.goto("/offers/")
    expect(page.locator("ul.cards > li")).to_have_count(2)
    page.fill("#q", "Elektrolyse")
    submit(page, "main form[role=search]")
    expect(page).to_have_url(re.compile(r"/offers/\?.*q=Elektrolyse"))
    expect(page.locator("ul.cards > li")).to_have_count(1)
    expect(page.locator(f"ul.cards a[href='/offers/{offers['fitting']}']")).to_be_visible()
    page.fill("#q", "Tiefseetauchen")
    submit(page, "main form[role=search]")
    expect(page.locator("ul.cards")).to_have_count(0)
    expect(page.locator("p.empty")).to_be_visible()
