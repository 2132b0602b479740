"""Reads of the API: the same public offers, companies and own offers as the pages, a page at a time."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from ..companies.queries import verified_companies
from ..extensions import db
from ..models import Company, Offer, ResearchUnit
from ..offers.queries import filter_offers, public_offers, search_public_offers
from ..research.queries import public_units


def _window(select: sa.Select, limit: int) -> tuple[list, bool]:
    """One page of `select` and whether more follow."""
    rows = list(db.session.scalars(select.limit(limit + 1)).unique())
    return rows[:limit], len(rows) > limit


def _after(column, descending: bool, position: list | None):
    """Rows after the sort key `position` ([value, row id]) in the order (column, id), both descending or
    both ascending; None without a position."""
    if position is None:
        return None
    value, row_id = position
    if column.type.python_type is datetime:
        value = datetime.fromisoformat(value)
    id_column = column.class_.id
    if descending:
        return sa.or_(column < value, sa.and_(column == value, id_column < row_id))
    return sa.or_(column > value, sa.and_(column == value, id_column > row_id))


def _key(value, row_id: int) -> list:
    return [value.isoformat() if isinstance(value, datetime) else value, row_id]


def public_offer_page(filters: dict, position, limit: int) -> tuple[list[Offer], object]:
    """Public offers with the facets of the offer list, and where the next page starts (None: no more).

    Ranked by the words `q` when given, as on the page (the position is an offset into the ranking);
    else newest first, continued after the last offer's (published_at, id)."""
    if filters.get("q"):
        offset = position or 0
        hits = search_public_offers(filters)  # only the window's offers are loaded
        return [hit.offer for hit in hits[offset:offset + limit]], (offset + limit if len(hits) > offset + limit
                                                                     else None)
    select = filter_offers(public_offers(), filters).options(contains_eager(Offer.company))
    after = _after(Offer.published_at, True, position)
    offers, more = _window(select if after is None else select.where(after), limit)
    last = offers[-1] if offers else None
    return offers, (_key(last.published_at, last.id) if more and last.published_at else None)


def candidate_offers(filters: dict) -> sa.Select:
    """The public offers a graduate's ranking starts from: the facets, and the words when given (a select:
    the ranking reads only its ids)."""
    select = filter_offers(public_offers(), filters)
    if filters.get("q"):  # the offers the words find (at most the search's 200 and the company's own)
        select = select.where(Offer.id.in_(search_public_offers(filters).ids))
    return select


def verified_company_page(sector: str | None, position, limit: int) -> tuple[list[Company], object]:
    """Verified companies by name, continued after the last one's (name, id)."""
    select = verified_companies(sector)
    after = _after(Company.name, False, position)
    companies, more = _window(select if after is None else select.where(after), limit)
    return companies, (_key(companies[-1].name, companies[-1].id) if more else None)


def verified_unit_page(filters: dict, position, limit: int) -> tuple[list[ResearchUnit], object]:
    """Verified units with the list's facets, by name, continued after the last one's (name, id)."""
    select = public_units(filters)
    after = _after(ResearchUnit.name, False, position)
    units, more = _window(select if after is None else select.where(after), limit)
    return units, (_key(units[-1].name, units[-1].id) if more else None)


def own_offer_page(company: Company, position, limit: int) -> tuple[list[Offer], object]:
    """The company's offers in every status, last changed first, continued after (updated_at, id)."""
    select = (sa.select(Offer).where(Offer.company_id == company.id)
              .order_by(Offer.updated_at.desc(), Offer.id.desc()))
    after = _after(Offer.updated_at, True, position)
    offers, more = _window(select if after is None else select.where(after), limit)
    return offers, (_key(offers[-1].updated_at, offers[-1].id) if more else None)

