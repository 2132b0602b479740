"""Staff of the Präsenzstelle decide on waiting companies and deactivate an account."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matchmaker.models import Company, Membership, Role, Sector, User

from .browsing import log_in, submit

pytestmark = pytest.mark.browser

STAFF = "beratung@praesenzstelle.example"
GRADUATE = "jonas.richter@example.org"
REASON = "Im Handelsregister ist keine Firma dieses Namens eingetragen. Bitte senden Sie uns einen Auszug."


def _waiting_company(live_db, make_account, name: str, sector: Sector, email: str) -> int:
    def create(db):
        company = Company(name=name, sector=sector)
        db.session.add(company)
        db.session.commit()
        return company.id

    company_id = live_db(create)
    make_account(Role.company, email, company_id=company_id, membership=Membership.active)
    return company_id


def _states(db) -> dict[str, str]:
    return {c.name: c.verification_state for c in db.session.scalars(db.select(Company))}


def test_staff_rejects_and_verifies_companies_and_deactivates_an_account(page, new_page, live_db,
                                                                         make_account):
    dubious = _waiting_company(live_db, make_account, "Briefkasten Energie UG", Sector.energy,
                               "chef@briefkasten.example")
    genuine = _waiting_company(live_db, make_account, "Kraftwerk Pumpe Service GmbH", Sector.services,
                               "hr@kwps.example")
    make_account(Role.graduate, GRADUATE)
    make_account(Role.staff, STAFF)

    # The graduate is logged in somewhere while staff works.
    graduate = new_page()
    log_in(graduate, GRADUATE)
    expect(graduate).to_have_url(re.compile(r"/me/$"))

    # Staff logs in and sees both companies waiting.
    log_in(page, STAFF)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    for company_id in (dubious, genuine):
        expect(page.locator(f"main table a[href='/staff/companies/{company_id}']")).to_be_visible()
    page.screenshot(path="/tmp/e2e-staff-dashboard.png", full_page=True)

    # Reject one with a reason; an empty reason is refused at the field first.
    with page.expect_navigation():
        page.locator(f"main table a[href='/staff/companies/{dubious}']").click()
    expect(page).to_have_url(re.compile(rf"/staff/companies/{dubious}$"))
    reject = f"form[action='/staff/companies/{dubious}/reject']"
    submit(page, reject)
    expect(page.locator("#reason")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#reason-err li")).to_have_count(1)
    assert live_db(_states)["Briefkasten Energie UG"] == "pending"
    page.fill("#reason", REASON)
    submit(page, reject)
    expect(page).to_have_url(re.compile(rf"/staff/companies/{dubious}$"))
    expect(page.locator("main h1 .tag.warn")).to_be_visible()
    expect(page.locator("main dl.facts")).to_contain_text(REASON)

    # Verify the other.
    page.goto(f"/staff/companies/{genuine}")
    submit(page, f"form[action='/staff/companies/{genuine}/verify']")
    expect(page.locator("main h1 .tag.ok")).to_be_visible()
    assert live_db(_states) == {"Briefkasten Energie UG": "rejected", "Kraftwerk Pumpe Service GmbH": "verified"}

    # Nobody is waiting any more.
    page.goto("/staff/")
    expect(page.locator("main table a[href^='/staff/companies/']")).to_have_count(0)
    expect(page.locator("main p.empty").first).to_be_visible()

    # The rejected company's user reads the reason on their dashboard.
    company_user = new_page()
    log_in(company_user, "chef@briefkasten.example")
    expect(company_user).to_have_url(re.compile(r"/companies/mine$"))
    expect(company_user.locator("main blockquote")).to_have_text(REASON)
    expect(company_user.locator("#verification").locator(".tag.warn")).to_be_visible()

    # Staff finds the graduate by part of the email and deactivates the account.
    page.goto("/staff/users")
    page.fill("#q", "jonas.richter")
    submit(page, "main form[role=search]")
    expect(page).to_have_url(re.compile(r"/staff/users\?.*q=jonas\.richter"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    with page.expect_navigation():
        rows.locator("a").click()
    graduate_id = live_db(lambda db: db.session.scalar(db.select(User.id).where(User.email == GRADUATE)))
    expect(page).to_have_url(re.compile(rf"/staff/users/{graduate_id}$"))
    submit(page, f"form[action='/staff/users/{graduate_id}/deactivate']")
    expect(page.locator("main h1 .tag.warn")).to_be_visible()
    assert live_db(lambda db: db.session.get(User, graduate_id).active) is False

    # The open session has ended, and the password no longer logs in.
    graduate.goto("/me/")
    expect(graduate).to_have_url(re.compile(r"/auth/login\?next=(/|%2F)me(/|%2F)$"))
    log_in(graduate, GRADUATE)
    expect(graduate).to_have_url(re.compile(r"/auth/login$"))
    expect(graduate.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(graduate.locator("#password-err li")).to_have_count(1)
    graduate.goto("/me/")
    expect(graduate).to_have_url(re.compile(r"/auth/login\?next="))
