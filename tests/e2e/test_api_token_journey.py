"""A company user makes a personal API token in the browser, uses it from a program on loopback to write and
publish an offer, and revokes it; the token pages and the API's page pass axe and fit a phone."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from matchmaker.models import Company, Membership, Offer, OfferStatus, Sector, utcnow

from .browsing import PHONE, axe, log_in, submit, violations

pytestmark = pytest.mark.browser

EMAIL = "leitstand@example.org"


def _call(base: str, method: str, path: str, secret: str, body: dict | None = None) -> tuple[int, str, dict]:
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {secret}", "Accept-Language": "de",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # nosec B310: the test's own loopback
            return response.status, response.headers.get_content_type(), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), json.loads(error.read())


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_company_makes_uses_and_revokes_a_token(browser, live_server, live_db, make_account):
    def seed(db):
        company = Company(name="Lausitz Leittechnik GmbH", sector=Sector.automation, verified_at=utcnow())
        db.session.add(company)
        db.session.commit()
        return company.id

    company_id = live_db(seed)
    make_account("company", EMAIL, company_id=company_id, membership=Membership.active)
    context = browser.new_context(base_url=live_server, locale="de-DE", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    checker = axe()
    log_in(page, EMAIL)
    page.goto("/account/tokens")
    expect(page.locator("main h1")).to_have_text("API-Tokens")
    expect(page.locator("main .empty")).to_be_visible()
    page.fill("#name", "Karriereseite")
    page.check("input[name=scopes][value='offers:read']")
    page.check("input[name=scopes][value='offers:write']")
    submit(page, "main form[method=post]:has(#name)")
    secret = page.locator("main code.secret").inner_text().strip()
    assert re.fullmatch(r"mm_[A-Za-z0-9_-]{40,}", secret)
    assert violations(checker, page) == [] and _no_sideways_scroll(page)

    status, kind, offer = _call(live_server, "POST", "/api/v1/my/offers", secret, {
        "kind": "internship", "title": "Praktikum Leittechnik", "description": "SPS-Programmierung im Leitstand.",
        "required_skills": ["SPS"], "start_date": (date.today() + timedelta(days=30)).isoformat()})
    assert (status, kind, offer["status"]) == (201, "application/json", "draft")
    status, _kind, published = _call(live_server, "POST", f"/api/v1/my/offers/{offer['id']}/publish", secret)
    assert (status, published["status"]) == (200, "published")
    # The offer is on the site, as written through the API.
    page.goto(f"/offers/{offer['id']}")
    expect(page.locator("main h1")).to_have_text("Praktikum Leittechnik")
    status, kind, problem = _call(live_server, "GET", f"/api/v1/my/offers/{offer['id']}/graduates", secret)
    assert (status, kind) == (403, "application/problem+json") and "matches:read" in problem["detail"]

    # The secret is not shown again; revoking ends it.
    page.goto("/account/tokens")
    assert secret not in page.content()
    with page.expect_navigation():
        page.locator("main table form button[type=submit]").click()
    expect(page.locator("main table")).to_contain_text("Widerrufen")
    status, kind, problem = _call(live_server, "GET", "/api/v1/my/offers", secret)
    assert (status, kind) == (401, "application/problem+json")
    assert problem["detail"] == "Das Token ist nicht gültig: Es ist unbekannt, widerrufen oder abgelaufen."

    page.goto("/api/v1/docs")
    expect(page.locator("main h1")).to_contain_text("Matchmaker-API")
    assert violations(checker, page) == [] and _no_sideways_scroll(page)
    assert live_db(lambda db: db.session.get(Offer, offer["id"]).status) == OfferStatus.published
    context.close()
