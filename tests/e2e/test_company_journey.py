"""A company registers, writes a draft it may not publish yet, is verified by staff, then publishes."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from playwright.sync_api import expect

from matchmaker.models import Company, Membership, Offer, OfferStatus, Role, User

from .browsing import log_in, register, submit

pytestmark = pytest.mark.browser

EMAIL = "personal@spreewerk-anlagenbau.example"
COMPANY = "Spreewerk Anlagenbau GmbH"
TITLE = "Praktikum Automatisierungstechnik (m/w/d)"


def _company_state(db) -> tuple:
    user = db.session.scalar(db.select(User).where(User.email == EMAIL))
    company = user.company
    return company.id, company.name, company.verification_state, user.membership


def _offer(db) -> tuple[int, OfferStatus]:
    offer = db.session.scalar(db.select(Offer).join(Offer.company).where(Company.name == COMPANY))
    return offer.id, offer.status


def test_company_registers_writes_draft_gets_verified_and_publishes(page, new_page, live_app, live_db,
                                                                   make_account, last_link_to):
    # Register a new company, confirm, log in: the dashboard says it waits for verification.
    register(page, "/auth/register/company", EMAIL, company_name=COMPANY, sector="automation")
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    company_id, name, state, membership = live_db(_company_state)
    assert (name, state, membership) == (COMPANY, "pending", Membership.active)
    page.goto(last_link_to(EMAIL))
    log_in(page, EMAIL)
    expect(page).to_have_url(re.compile(r"/companies/mine$"))
    expect(page.locator("main h1")).to_have_text(COMPANY)
    verification = page.locator("#verification")
    expect(verification.locator(".tag.warn")).to_be_visible()
    expect(verification.locator(".tag.ok")).to_have_count(0)

    # Write the offer as a draft.
    with page.expect_navigation():
        page.locator("main a[href='/offers/new']").first.click()
    page.select_option("#kind", "internship")
    page.fill("#title", TITLE)
    page.fill("#description", "Sechs Monate im Team Leittechnik: SPS-Programmierung, Inbetriebnahme, Dokumentation.")
    page.fill("#required_skills", "SPS, Siemens TIA Portal")
    page.fill("#duration_months", "6")
    submit(page)
    offer_id, status = live_db(_offer)
    assert status == OfferStatus.draft
    expect(page).to_have_url(re.compile(rf"/offers/{offer_id}$"))
    expect(page.locator("main h1")).to_have_text(TITLE)

    # Publishing is refused, and the page says why: the company is not verified yet.
    def refusal(db):
        from matchmaker.domain import DomainError
        from matchmaker.offers import operations

        user = db.session.scalar(db.select(User).where(User.email == EMAIL))
        with live_app.test_request_context(), force_locale("de"):
            try:
                operations.publish_offer(db.session.get(Offer, offer_id), user)
            except DomainError as error:
                return str(error.message)
            finally:
                db.session.rollback()
        raise AssertionError("publishing should have been refused")

    submit(page, f"form[action='/offers/{offer_id}/publish']")
    expect(page.locator(".flash.error")).to_have_text(live_db(refusal))
    assert live_db(_offer)[1] == OfferStatus.draft
    anonymous = new_page()
    anonymous.goto("/offers/")
    expect(anonymous.locator(f"a[href='/offers/{offer_id}']")).to_have_count(0)
    assert anonymous.goto(f"/offers/{offer_id}").status == 404

    # Staff verifies the company in a second browser.
    make_account(Role.staff, "praesenzstelle@btu.example")
    staff = new_page()
    log_in(staff, "praesenzstelle@btu.example")
    expect(staff).to_have_url(re.compile(r"/staff/$"))
    staff.goto(f"/staff/companies/{company_id}")
    submit(staff, f"form[action='/staff/companies/{company_id}/verify']")
    expect(staff).to_have_url(re.compile(rf"/staff/companies/{company_id}$"))
    expect(staff.locator("main h1 .tag.ok")).to_be_visible()
    assert live_db(_company_state)[2] == "verified"

    # The company user publishes; the offer is on the public list for anyone.
    page.goto("/companies/mine")
    expect(page.locator("#verification").locator(".tag.ok")).to_be_visible()
    page.goto(f"/offers/{offer_id}")
    submit(page, f"form[action='/offers/{offer_id}/publish']")
    expect(page).to_have_url(re.compile(rf"/offers/{offer_id}$"))
    expect(page.locator(".flash.success").first).to_be_visible()
    assert live_db(_offer)[1] == OfferStatus.published

    anonymous.goto("/offers/")
    card = anonymous.locator("ul.cards > li", has=anonymous.locator(f"a[href='/offers/{offer_id}']"))
    expect(card).to_have_count(1)
    expect(card).to_contain_text(COMPANY)
    expect(card.locator("ul.chips li")).to_have_text(["SPS", "Siemens TIA Portal"])
