"""Reads of the API: the same public offers, companies and own offers as the pages, a page at a time."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from ..companies.queries import verified_companies
from ..extensions import db
from ..graduates.queries import findable_profiles
from ..models import Company, GraduateProfile, Offer
from ..offers.queries import filter_offers, public_offers, search_public_offers


def _window(select: sa.Select, offset: int, limit: int) -> tuple[list, bool]:
    """One page of `select` and whether more follow."""
    rows = list(db.session.scalars(select.offset(offset).limit(limit + 1)).unique())
    return rows[:limit], len(rows) > limit


def public_offer_page(filters: dict, offset: int, limit: int) -> tuple[list[Offer], bool]:
    """Public offers with the facets of the offer list; ranked by the words `q` when given, as the page."""
    if filters.get("q"):
        offers = [hit.offer for hit in search_public_offers(filters)]
        return offers[offset:offset + limit], len(offers) > offset + limit
    select = filter_offers(public_offers(), filters).options(contains_eager(Offer.company))
    return _window(select, offset, limit)


def candidate_offers(filters: dict) -> list[Offer]:
    """The public offers a graduate's ranking starts from: the facets, and the words when given."""
    if filters.get("q"):
        return [hit.offer for hit in search_public_offers(filters)]
    select = filter_offers(public_offers(), filters).options(contains_eager(Offer.company))
    return list(db.session.scalars(select).unique())


def verified_company_page(sector: str | None, offset: int, limit: int) -> tuple[list[Company], bool]:
    return _window(verified_companies(sector), offset, limit)


def own_offer_page(company: Company, offset: int, limit: int) -> tuple[list[Offer], bool]:
    """The company's offers in every status, last changed first."""
    select = (sa.select(Offer).where(Offer.company_id == company.id)
              .order_by(Offer.updated_at.desc(), Offer.id.desc()))
    return _window(select, offset, limit)


def findable_candidates() -> list[GraduateProfile]:
    return list(db.session.scalars(findable_profiles()))
