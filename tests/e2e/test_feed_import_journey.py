"""A company imports its offers from its career page (served on loopback) and publishes one of them."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from matchmaker.models import Company, Membership, Offer, OfferStatus, Role, Sector, utcnow

from .browsing import log_in, submit

pytestmark = pytest.mark.browser

EMAIL = "personal@lausitz-papier.example"
PAGE = """<!doctype html><html lang="de"><head><title>Karriere bei Lausitz Papier</title>
<script type="application/ld+json">{data}</script></head><body><h1>Karriere</h1></body></html>"""
POSTINGS = {"@context": "https://schema.org", "@graph": [
    {"@type": "JobPosting", "identifier": "LP-7", "title": "Verfahrensingenieur Papier (m/w/d)",
     "description": "<p>Sie optimieren unsere Papiermaschine.</p>", "employmentType": "FULL_TIME",
     "jobLocation": {"@type": "Place", "address": {"addressLocality": "Spremberg"}},
     "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR",
                    "value": {"@type": "QuantitativeValue", "minValue": 4000, "maxValue": 4800,
                              "unitText": "MONTH"}}},
    {"@type": "JobPosting", "identifier": "LP-8", "title": "Praktikum Recycling", "employmentType": "INTERN",
     "description": "Kreislaufwirtschaft in der Praxis."}]}


def test_company_imports_from_its_career_page_and_publishes(page, new_page, live_app, live_db, make_account,
                                                            feed_server):
    live_app.config["FEED_ALLOWED_NETWORKS"] = ["127.0.0.0/8"]  # the career page lives on loopback here
    feed_server.page("/karriere", PAGE.format(data=json.dumps(POSTINGS)))

    def seed(db):
        company = Company(name="Lausitz Papier GmbH", sector=Sector.paper_packaging, verified_at=utcnow())
        db.session.add(company)
        db.session.commit()
        return company.id

    company_id = live_db(seed)
    make_account(Role.company, EMAIL, company_id=company_id, membership=Membership.active)
    log_in(page, EMAIL)
    expect(page).to_have_url(re.compile(r"/companies/mine$"))

    with page.expect_navigation():
        page.locator("main a[href='/feeds/']").first.click()
    expect(page.locator("main h1")).to_have_text("Angebotsimport")
    page.fill("#url", feed_server.url("/karriere"))
    page.select_option("#kind", "jsonld_page")
    submit(page, "main form[method=post][novalidate]")
    expect(page.locator(".flash.success")).to_contain_text("Der Feed ist eingetragen")

    with page.expect_navigation():
        page.get_by_role("button", name="Jetzt importieren").click()
    expect(page.locator(".flash.success")).to_contain_text("2 Stellenanzeigen gefunden, 2 neue Entwürfe")
    expect(page.locator("#imported-offers li")).to_have_count(2)

    with page.expect_navigation():
        page.get_by_role("link", name="Verfahrensingenieur Papier (m/w/d)").click()
    expect(page.locator("#offer-feed")).to_be_visible()
    expect(page.locator("#offer-salary")).to_have_text("4.000\xa0€ – 4.800\xa0€ pro Monat")
    with page.expect_navigation():
        page.get_by_role("button", name="Veröffentlichen").click()

    def offers(db):
        return {o.title: o.status for o in db.session.scalars(db.select(Offer))}

    assert live_db(offers) == {"Verfahrensingenieur Papier (m/w/d)": OfferStatus.published,
                               "Praktikum Recycling": OfferStatus.draft}
    visitor = new_page()
    visitor.goto("/offers/")
    expect(visitor.locator("main")).to_contain_text("Verfahrensingenieur Papier (m/w/d)")
    expect(visitor.locator("main")).not_to_contain_text("Praktikum Recycling")
