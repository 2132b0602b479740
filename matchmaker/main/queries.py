"""Read-only questions for the start page."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Company, GraduateProfile, Offer
from ..events.queries import next_events  # noqa: F401  (the start page's next three events)
from ..offers.queries import public_offers
from ..stories.queries import newest_stories  # noqa: F401  (the start page's newest stories)


def _count(select: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        select.with_only_columns(Offer.id).order_by(None).subquery())) or 0


def latest_offers(limit: int = 6) -> list[Offer]:
    """The newest public offers."""
    return list(db.session.scalars(public_offers().limit(limit)))


# The start page's counts, per database: (when read, counts). Counting every public offer grows with
# the offers (every visitor of the start page asked for it); the figures may be a minute old.
_counts: dict[str, tuple[float, dict[str, int]]] = {}
_counts_lock = threading.Lock()


def start_page_counts() -> dict[str, int]:
    """Public offers, verified companies and graduate profiles, as the start page shows them; read again
    at most every `START_PAGE_COUNTS_SECONDS`."""
    key = current_app.config["SQLALCHEMY_DATABASE_URI"]
    seconds = current_app.config.get("START_PAGE_COUNTS_SECONDS", 60)
    now = time.monotonic()
    with _counts_lock:
        kept = _counts.get(key)
    if kept is not None and now - kept[0] < seconds:
        return kept[1]
    counts = {
        "offers": _count(public_offers()),
        "companies": db.session.scalar(sa.select(sa.func.count(Company.id)).where(Company.verified_at.is_not(None)))
        or 0,
        "graduates": db.session.scalar(sa.select(sa.func.count(GraduateProfile.id))) or 0,
    }
    if seconds > 0:
        with _counts_lock:
            _counts[key] = (now, counts)
    return counts


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
