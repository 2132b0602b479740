"""Read-only queries for offers: what the public sees, its facets, and the search by words."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Company, Degree, Offer, OfferKind, OfferStatus, SalaryPeriod, Sector, utcnow
from ..pagination import LoadedOnRead
from ..requirements import degree_clause, german_clause

MAX_SEARCH_WORDS = 8


def public_clause(now: datetime | None = None) -> sa.ColumnElement[bool]:
    """What makes an offer public: published, not past its expiry, its company verified (needs the company
    joined). `Offer.is_public` is the same rule for one loaded offer."""
    now = now or utcnow()
    return sa.and_(Offer.status == OfferStatus.published, Offer.expires_at > now, Company.verified_at.is_not(None))


def public_offers(now: datetime | None = None) -> sa.Select:
    """Published, unexpired offers of verified companies, newest first."""
    return (
        db.select(Offer).join(Offer.company).where(public_clause(now))
        .order_by(Offer.published_at.desc(), Offer.id.desc())
    )


def public_offers_by_id(ids) -> dict[int, Offer]:
    """Id -> offer (with its company), of the public offers among these ids."""
    if not ids:
        return {}
    return {offer.id: offer for offer in db.session.scalars(
        public_offers().where(Offer.id.in_(list(ids))).options(contains_eager(Offer.company)))}


def linkable_offers(ids, linked=()) -> dict[int, Offer]:
    """Of these ids, the offers a story or an event may link to: the public ones, and those of `linked`
    (what it is about already stays choosable, also if no longer public)."""
    wanted = set(ids)
    found = {offer.id: offer for offer in linked if offer.id in wanted}
    found.update(public_offers_by_id(wanted))
    return found


def name_holds(name: str | None, q: str) -> bool:
    """Does a company's name hold every word typed (any case)? Company names carry no weight in the
    matcher, so a search for a company is answered here, in Python (no SQL LIKE, the same on every
    database)."""
    words = q.casefold().split()[:MAX_SEARCH_WORDS]
    return bool(words) and all(word in (name or "").casefold() for word in words)


class SearchResults(LoadedOnRead):
    """The hits of a search, best first, held as (offer id, Match, language of the analysis; "" for a
    company-name hit): a slice (a page) loads only its own offers and their companies, so a search at any
    size never loads every offer the facets allow."""

    @property
    def ids(self) -> list[int]:
        return [offer_id for offer_id, _match, _lang in self.entries]

    def _make(self, positions: list[int]) -> dict[int, object]:
        from ..matching.index import SearchHit

        chosen = {j: self.entries[j] for j in positions}
        rows = db.session.scalars(db.select(Offer).join(Offer.company).options(contains_eager(Offer.company))
                                  .where(Offer.id.in_([offer_id for offer_id, _m, _l in chosen.values()]))).unique()
        by_id = {offer.id: offer for offer in rows}
        return {j: SearchHit(by_id[offer_id], match, lang)
                for j, (offer_id, match, lang) in chosen.items() if offer_id in by_id}


def search_public_offers(filters: dict) -> SearchResults:
    """The public offers the facets allow that the words in `filters["q"]` find, best first.

    The words go through the matcher's analysis and dictionary (see `matching.index.search_offer_ids`), so
    "hydrogen" finds the offers that say "Wasserstoff"; the company's own name is looked up as well
    (those offers come after the ones the words fit, newest first). Only the candidates' ids and the
    companies' names are read; a page of the result loads its own offers (`SearchResults`)."""
    from ..matching.engine import Match
    from ..matching.index import ids_of, search_offer_ids

    candidates = filter_offers(public_offers(), filters)
    allowed = ids_of(candidates, Offer)
    q = filters.get("q", "")
    found = [(m.id, m, lang) for m, lang in search_offer_ids(q, allowed)]
    seen = {offer_id for offer_id, _m, _l in found}
    # The companies' names, not the candidates' (a distinct over every candidate offer cost more):
    # a company without a candidate offer adds nothing below.
    named = [company_id for company_id, name in db.session.execute(sa.select(Company.id, Company.name))
             if name_holds(name, q)]
    if named:
        found += [(offer_id, Match(offer_id, 0.0), "") for offer_id in db.session.scalars(
            candidates.with_only_columns(Offer.id).where(Offer.company_id.in_(named))) if offer_id not in seen]
    return SearchResults(found)


def filter_offers(select: sa.Select, filters: dict) -> sa.Select:
    """Apply the understood facets of the public list (see OfferFilterForm.valid_filters). The words
    typed (`q`) are not a facet: `search_public_offers` ranks by them."""
    if filters.get("kind"):
        select = select.where(Offer.kind == OfferKind(filters["kind"]))
    if filters.get("sector"):
        select = select.where(Company.sector == Sector(filters["sector"]))
    if filters.get("degree"):
        # "I have a Master": offers that ask for a Master, a lower degree, or none.
        select = select.where(degree_clause(Degree(filters["degree"])))
    if filters.get("german"):
        # "My German is B1": offers that need at most B1, or no German at all.
        select = select.where(german_clause(filters["german"]))
    if filters.get("remote"):
        select = select.where(Offer.remote_share > 0)
    if filters.get("start_by"):
        # An offer without a start date starts by arrangement, so it fits any date.
        select = select.where(sa.or_(Offer.start_date.is_(None), Offer.start_date <= filters["start_by"]))
    if filters.get("salary") or filters.get("pay_from"):
        select = select.where(salary_given_clause())
    if filters.get("pay_from"):
        # "At least 3000 EUR a month": offers in euros of that period whose range reaches the amount.
        cents = int(filters["pay_from"] * 100)
        select = select.where(Offer.salary_currency == "EUR",
                              Offer.salary_period == SalaryPeriod(filters.get("pay_period") or "month"),
                              sa.func.coalesce(Offer.salary_max_cents, Offer.salary_min_cents) >= cents)
    return select


def salary_given_clause() -> sa.ColumnElement[bool]:
    """The offer states its pay: a period and at least one amount (`Offer.has_salary` for one offer)."""
    return sa.and_(Offer.salary_period.is_not(None),
                   sa.or_(Offer.salary_min_cents.is_not(None), Offer.salary_max_cents.is_not(None)))


def open_offers_of(company: Company) -> list[Offer]:
    """The company's offers the public can see."""
    return db.session.scalars(public_offers().where(Offer.company_id == company.id)).all()


def offers_by_status(company: Company) -> dict:
    """The company's offers grouped by their effective status (expiry counted), newest first."""
    order = (OfferStatus.published, OfferStatus.draft, OfferStatus.expired, OfferStatus.closed)
    groups: dict[OfferStatus, list[Offer]] = {status: [] for status in order}
    offers = db.session.scalars(
        db.select(Offer).where(Offer.company_id == company.id).order_by(Offer.updated_at.desc(), Offer.id.desc())
    ).all()
    for offer in offers:
        groups[offer.effective_status()].append(offer)
    return groups
