"""Reads for the feeds: a company's feeds, a feed's offers, the feeds an import run goes through."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Company, Offer, OfferFeed


def feeds_of(company: Company) -> list[OfferFeed]:
    return list(db.session.scalars(sa.select(OfferFeed).where(OfferFeed.company_id == company.id)
                                   .order_by(OfferFeed.id)))


def offers_of_feed(feed: OfferFeed) -> list[Offer]:
    return list(db.session.scalars(sa.select(Offer).where(Offer.feed_id == feed.id).order_by(Offer.id)))


def all_feed_ids() -> list[int]:
    return list(db.session.scalars(sa.select(OfferFeed.id).order_by(OfferFeed.id)))


def imported_offers(company: Company) -> list[Offer]:
    """The company's offers that came from one of its feeds, the vanished ones first, then the newest."""
    return list(db.session.scalars(
        sa.select(Offer).where(Offer.company_id == company.id, Offer.feed_id.is_not(None))
        .order_by(Offer.feed_vanished_at.is_(None), Offer.updated_at.desc(), Offer.id.desc())))
