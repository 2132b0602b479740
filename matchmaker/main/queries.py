"""Read-only questions for the start page."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Company, GraduateProfile, Offer
from ..events.queries import next_events  # noqa: F401  (the start page's next three events)
from ..offers.queries import public_offers
from ..pagination import recent_count
from ..stories.queries import newest_stories  # noqa: F401  (the start page's newest stories)


def latest_offers(limit: int = 6) -> list[Offer]:
    """The newest public offers."""
    return list(db.session.scalars(public_offers().limit(limit)))


def start_page_counts() -> dict[str, int]:
    """Public offers, verified companies and graduate profiles, as the start page shows them; read again
    at most every `PUBLIC_COUNTS_SECONDS` (`pagination.recent_count`)."""
    return {
        "offers": recent_count(("public offers", ()), public_offers().with_only_columns(Offer.id)),
        "companies": recent_count("verified companies", sa.select(Company.id).where(Company.verified_at.is_not(None))),
        "graduates": recent_count("graduate profiles", sa.select(GraduateProfile.id)),
    }


# A sitemap file holds at most 50,000 addresses (sitemaps.org); the newest are kept.
SITEMAP_LIMIT = 50_000


def sitemap_entries(now=None) -> list[tuple[str, dict, object]]:
    """What search engines may index: (endpoint, its values, last changed or None) for the public pages, the
    public offers, the verified companies and the upcoming events that take place. Nothing personal."""
    from ..events.queries import upcoming_events
    from ..companies.queries import verified_companies
    from ..models import Event

    entries: list[tuple[str, dict, object]] = [
        (endpoint, {}, None) for endpoint in
        ("main.index", "offers.index", "companies.index", "events.index", "main.about", "main.privacy",
         "main.accessibility")]
    room = SITEMAP_LIMIT - len(entries)
    offers = db.session.execute(public_offers(now).with_only_columns(Offer.id, Offer.updated_at).limit(room)).all()
    entries += [("offers.detail", {"offer_id": id_}, changed) for id_, changed in offers]
    room -= len(offers)
    companies = db.session.execute(
        verified_companies().with_only_columns(Company.id, Company.verified_at).limit(room)).all()
    entries += [("companies.detail", {"company_id": id_}, changed) for id_, changed in companies]
    room -= len(companies)
    events = db.session.execute(
        upcoming_events(now).where(Event.cancelled_at.is_(None))
        .with_only_columns(Event.id, Event.updated_at).limit(room)).all()
    entries += [("events.detail", {"event_id": id_}, changed) for id_, changed in events]
    return entries
