"""A board member reads the report with its charts and prints it: the PDF that headless Chromium prints
(A4, from the print stylesheet) carries the report's text and none of the page's navigation."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from matchmaker.models import Company, Offer, OfferKind, OfferStatus, Role, Sector, utcnow

from .browsing import log_in

pytestmark = pytest.mark.browser

BOARD = "beirat@lausitz.example"


def _offers(db) -> None:
    company = Company(name="Kraftwerk Pumpe Service GmbH", sector=Sector.energy, verified_at=utcnow())
    db.session.add(company)
    for n in range(4):
        db.session.add(Offer(company=company, kind=OfferKind.internship, title=f"Praktikum Anlagenbau {n}",
                             status=OfferStatus.published, published_at=utcnow() - timedelta(minutes=5),
                             expires_at=utcnow() + timedelta(days=60)))
    db.session.add(Offer(company=company, kind=OfferKind.thesis, title="Masterarbeit Wasserstoff",
                         status=OfferStatus.published, published_at=utcnow() - timedelta(minutes=5),
                         expires_at=utcnow() + timedelta(days=60)))
    db.session.commit()


def test_the_board_member_reads_the_report_with_charts_and_prints_it(page, live_db, make_account):
    live_db(_offers)
    make_account(Role.board, BOARD)

    log_in(page, BOARD)
    expect(page).to_have_url(re.compile(r"/report/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Der Bericht für den Beirat")
    # The charts are pictures with a name, drawn by the server; each has its table beside it.
    funnel = page.get_by_role("img", name="Trichter")
    expect(funnel).to_be_visible()
    assert page.locator("svg.chart").count() == 6
    expect(page.locator("#table-funnel caption")).to_have_text("Trichter")
    expect(page.locator("#table-qualification tr", has_text="Praktika veröffentlicht")).to_contain_text("4")
    expect(page.locator("#table-qualification tr", has_text="Abschlussarbeiten veröffentlicht")).to_contain_text("< 3")
    # No sideways scroll on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path="/tmp/e2e-report-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=False)))
    first = pdf.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (595, 842)  # A4 in points
    assert len(pdf.pages) >= 5  # a page per section
    # NFKC: the PDF's font sets "fi" and "ff" as ligatures.
    text = unicodedata.normalize("NFKC", " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages))
    for expected in ("Der Bericht für den Beirat", "Qualifizierung und Bildung", "Strukturwandel",
                     "BTU vor Ort in Spremberg", "Öffentlichkeitsarbeit", "Vom Angebot zur Vereinbarung",
                     "Entwicklung der letzten acht Quartale", "Praktika veröffentlicht 4", "< 3"):
        assert expected in text, expected
    # Navigation, filters and download links are not printed.
    for absent in ("Abmelden", "Anzeigen", "Als CSV herunterladen", "Maßnahmenplan Fällige"):
        assert absent not in text, absent
