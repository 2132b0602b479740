"""Staff propose an introduction from the board; graduate and company accept; both see contacts; staff record "hired"."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from matchmaker.models import (Company, GraduateProfile, Introduction, Membership, Offer, OfferKind, OfferStatus,
                               Role, Sector, utcnow)

from .browsing import log_in, submit

pytestmark = pytest.mark.browser

STAFF = "vermittlung@praesenzstelle.example"
GRADUATE = "lena.krause@example.org"
GRADUATE_NAME = "Lena Krause"
COMPANY_USER = "personal@spreewerk.example"
COMPANY_CONTACT = "karriere@spreewerk.example"


def _seed(live_db, make_account) -> dict[str, int]:
    def seed(db):
        company = Company(name="Spreewerk Wasserstoff GmbH", sector=Sector.hydrogen, verified_at=utcnow(),
                          contact_email=COMPANY_CONTACT)
        now = utcnow()
        offer = Offer(company=company, kind=OfferKind.job, title="Ingenieurin Elektrolyse (m/w/d)",
                      description="Betrieb und Optimierung der Elektrolyseanlage, Auswertung mit Python.",
                      required_skills=["Python", "Elektrolyse"], status=OfferStatus.published, published_at=now,
                      expires_at=now + timedelta(days=90))
        db.session.add_all([company, offer])
        db.session.commit()
        return {"company": company.id, "offer": offer.id}

    ids = live_db(seed)
    make_account(Role.company, COMPANY_USER, company_id=ids["company"], membership=Membership.active)
    make_account(Role.staff, STAFF)
    graduate_id = make_account(Role.graduate, GRADUATE)

    def profile(db):
        p = GraduateProfile(user_id=graduate_id, name=GRADUATE_NAME, headline="Elektrolyse und Python",
                            skills=["Python", "Elektrolyse"], languages=[{"language": "de", "level": "native"}],
                            visible_to_companies=True, consent_at=utcnow(), wanted_kinds=[])
        p.sync_german_level()
        db.session.add(p)
        db.session.commit()
        return p.id

    ids["profile"] = live_db(profile)
    return ids


def _state(live_db) -> str:
    return live_db(lambda db: db.session.scalar(db.select(Introduction.state)).value)


def test_staff_propose_both_accept_and_staff_record_hired(page, new_page, live_db, make_account,
                                                          last_link_to):
    ids = _seed(live_db, make_account)

    # Staff proposes the pair from the matching board, with a message to each side.
    log_in(page, STAFF)
    page.goto("/matches/board", timeout=90_000)  # the first visit builds the matcher index
    propose = page.locator(f"a[href='/introductions/propose/{ids['offer']}/{ids['profile']}']")
    expect(propose).to_be_visible()
    with page.expect_navigation():
        propose.click()
    submit(page, "#propose-form")  # empty messages are refused at the fields
    expect(page.locator("#message_to_graduate")).to_have_attribute("aria-invalid", "true")
    page.fill("#message_to_graduate", "Die Stelle passt gut zu Ihrer Elektrolyse-Erfahrung.")
    page.fill("#message_to_company", "Eine Absolventin mit Python und Elektrolyse.")
    submit(page, "#propose-form")
    expect(page).to_have_url(re.compile(r"/introductions/\d+$"))
    intro_path = re.search(r"/introductions/\d+$", page.url).group(0)
    assert _state(live_db) == "proposed"

    # The graduate follows the mailed link and accepts.
    graduate = new_page()
    log_in(graduate, GRADUATE)
    graduate.goto(last_link_to(GRADUATE))
    expect(graduate).to_have_url(re.compile(intro_path + "$"))
    expect(graduate.locator("#consent-text")).to_contain_text("Spreewerk Wasserstoff GmbH")
    submit(graduate, "#accept-form")
    assert _state(live_db) == "accepted_by_graduate"

    # The company sees only the pseudonymous card, then accepts and sees the contact data.
    company = new_page()
    log_in(company, COMPANY_USER)
    company.goto(last_link_to(COMPANY_USER))
    expect(company).to_have_url(re.compile(intro_path + "$"))
    expect(company.locator("#contact .graduate-card")).to_be_visible()
    expect(company.locator("main")).not_to_contain_text(GRADUATE)
    submit(company, "#accept-form")
    assert _state(live_db) == "introduced"
    expect(company.locator("#contact")).to_contain_text(GRADUATE)
    expect(company.locator("#contact")).to_contain_text(GRADUATE_NAME)

    graduate.reload()
    expect(graduate.locator("#contact")).to_contain_text(COMPANY_USER)
    expect(graduate.locator("#contact")).to_contain_text(COMPANY_CONTACT)

    # Staff records the outcome "hired": the date starts at today; without one the form says which field is
    # missing, and the address stays the introduction's page (a reload must not post again).
    page.goto(intro_path)
    expect(page.locator("#on_date")).not_to_have_value("")
    page.select_option("#outcome", "hired")
    page.fill("#on_date", "")
    submit(page, "#outcome-form")
    expect(page).to_have_url(re.compile(rf"{re.escape(intro_path)}(#staff)?$"))
    expect(page.locator("#on_date-err")).to_contain_text("Bitte geben Sie das Datum des Ergebnisses an.")
    expect(page.locator("#outcome")).to_have_value("hired")
    page.reload()
    expect(page.locator("#on_date-err")).to_have_count(0)
    assert _state(live_db) == "introduced"
    page.select_option("#outcome", "hired")
    page.fill("#on_date", date.today().isoformat())
    submit(page, "#outcome-form")
    expect(page.locator("main h1 .state-hired")).to_be_visible()
    assert _state(live_db) == "hired"
    page.goto("/introductions/pipeline?state=hired")
    expect(page.locator(f"main a[href='{intro_path}']")).to_be_visible()
