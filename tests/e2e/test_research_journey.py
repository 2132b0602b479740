"""A company posts a research question and sees fitting research units with reasons; staff broker an
introduction to one; the unit accepts, the company accepts, and both see each other's contacts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matchmaker.models import (Company, Faculty, Introduction, Membership, ResearchUnit, ResearchUnitMember, Role,
                               Sector, UnitKind, utcnow)

from .browsing import log_in, submit

pytestmark = pytest.mark.browser

STAFF = "transfer@praesenzstelle.example"
COMPANY_USER = "forschung@spreewerk.example"
COMPANY_CONTACT = "innovation@spreewerk.example"
RESEARCHER = "j.example@b-tu.example"
UNIT_CONTACT = "energiesysteme@b-tu.example"
QUESTION = "Abwärme der Elektrolyse für die Fernwärme nutzen"


def _seed(live_db, make_account) -> dict[str, int]:
    def seed(db):
        company = Company(name="Spreewerk Wasserstoff GmbH", sector=Sector.hydrogen, verified_at=utcnow(),
                          contact_email=COMPANY_CONTACT)
        heat = ResearchUnit(name="Chair of Energy Systems and Heat Networks", faculty=Faculty.engineering_energy,
                            kind=UnitKind.chair, contact_email=UNIT_CONTACT,
                            topics="district heating, heat pumps, waste heat recovery",
                            expertise="We design district heating networks that use industrial waste heat with "
                                      "large heat pumps.", verified_at=utcnow())
        timber = ResearchUnit(name="Chair of Timber Construction", faculty=Faculty.architecture_civil,
                              kind=UnitKind.chair, topics="timber buildings, fire safety",
                              expertise="Multi-storey timber buildings.", verified_at=utcnow())
        db.session.add_all([company, heat, timber])
        db.session.commit()
        return {"company": company.id, "unit": heat.id, "timber": timber.id}

    ids = live_db(seed)
    make_account(Role.company, COMPANY_USER, company_id=ids["company"], membership=Membership.active)
    make_account(Role.staff, STAFF)
    researcher = make_account(Role.researcher, RESEARCHER)

    def join(db):
        db.session.add(ResearchUnitMember(unit_id=ids["unit"], user_id=researcher))
        db.session.commit()

    live_db(join)
    return ids


def _intro(live_db):
    return live_db(lambda db: (lambda i: (i.id, i.state.value, i.research_unit_id) if i else None)(
        db.session.scalar(db.select(Introduction))))


def test_company_question_fitting_units_staff_broker_unit_and_company_accept(page, new_page, live_db,
                                                                              make_account, last_link_to):
    ids = _seed(live_db, make_account)

    # The company posts its research question (in German) and publishes it.
    log_in(page, COMPANY_USER)
    page.goto("/offers/new")
    page.select_option("#kind", "research_project")
    page.fill("#title", QUESTION)
    page.fill("#description", "Unsere Elektrolyseure geben Abwärme ab. Wir suchen einen Lehrstuhl, der prüft, "
                              "wie Großwärmepumpen sie in das Fernwärmenetz bringen.")
    page.fill("#required_skills", "Fernwärme, Wärmepumpe, Abwärmenutzung")
    submit(page)
    offer_id = int(re.search(r"/offers/(\d+)$", page.url).group(1))
    submit(page, f"form[action='/offers/{offer_id}/publish']")

    # It sees the fitting units, ranked, with reasons from the units' public texts (the English unit first).
    link = page.locator(f"main a[href='/units/for-offer/{offer_id}']")
    expect(link).to_be_visible()
    page.goto(link.get_attribute("href"), timeout=90_000)  # the first ranking builds the matcher index
    first = page.locator("ol.ranked > li").first
    expect(first).to_have_attribute("id", f"fit-unit-{ids['unit']}")
    expect(first.locator("ul.reasons li").first).to_be_visible()
    expect(first.locator("ul.reasons")).to_contain_text(re.compile(r"Fernwärme|Wärmepumpe|Abwärme"))
    expect(page.locator("main")).not_to_contain_text(UNIT_CONTACT)

    # Staff propose the introduction from the same ranked list.
    staff = new_page()
    log_in(staff, STAFF)
    staff.goto(f"/units/for-offer/{offer_id}", timeout=90_000)
    with staff.expect_navigation():
        staff.locator(f"a[href='/units/{ids['unit']}/propose/{offer_id}']").click()
    submit(staff, "#propose-unit-form")  # empty messages are refused at the fields
    expect(staff.locator("#message_to_unit")).to_have_attribute("aria-invalid", "true")
    staff.fill("#message_to_unit", "Ein Unternehmen im Park fragt genau nach Ihrem Thema.")
    staff.fill("#message_to_company", "Dieser Lehrstuhl plant Fernwärmenetze mit Abwärme.")
    submit(staff, "#propose-unit-form")
    expect(staff).to_have_url(re.compile(r"/introductions/\d+$"))
    intro_path = re.search(r"/introductions/\d+$", staff.url).group(0)
    assert _intro(live_db)[1:] == ("proposed", ids["unit"])

    # The researcher follows the mailed link, reads the consent for the unit and accepts.
    unit = new_page("en-GB")
    log_in(unit, RESEARCHER)
    expect(unit).to_have_url(re.compile(r"/units/mine$"))
    unit.goto(last_link_to(RESEARCHER))
    expect(unit).to_have_url(re.compile(intro_path + "$"))
    expect(unit.locator("#consent-text")).to_contain_text("Chair of Energy Systems and Heat Networks")
    expect(unit.locator("#contact")).not_to_contain_text(COMPANY_USER)
    submit(unit, "#accept-form")
    assert _intro(live_db)[1] == "accepted_by_graduate"

    # The company sees no contact of the unit yet, accepts, and then sees the unit's and the member's address.
    page.goto(last_link_to(COMPANY_USER))
    expect(page).to_have_url(re.compile(intro_path + "$"))
    expect(page.locator("#contact")).not_to_contain_text(RESEARCHER)
    expect(page.locator("#contact")).not_to_contain_text(UNIT_CONTACT)
    submit(page, "#accept-form")
    assert _intro(live_db)[1] == "introduced"
    expect(page.locator("#unit-contacts")).to_contain_text(RESEARCHER)
    expect(page.locator("#unit-contacts")).to_contain_text(UNIT_CONTACT)

    unit.reload()
    expect(unit.locator("#contact")).to_contain_text(COMPANY_USER)
    expect(unit.locator("#contact")).to_contain_text(COMPANY_CONTACT)

    # The researcher's unit page lists the question among those that fit, the introduction under way.
    unit.goto(f"/units/{ids['unit']}/questions")
    expect(unit.locator(f"#question-{offer_id}")).to_contain_text(QUESTION)
