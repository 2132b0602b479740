"""Read-only queries for offers: what the public sees, and the word search."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import Company, Degree, Offer, OfferKind, OfferStatus, Sector, utcnow
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


def _like(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, with the wildcards in `text` taken literally."""
    escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{escaped}%"


def _spellings(word: str) -> set[str]:
    # SQLite folds case of ASCII letters only, so "über" must also be tried as "Über".
    return {word, word.lower(), word.capitalize(), word.upper()}


def _json_spellings(word: str) -> set[str]:
    # JSON columns are stored with non-ASCII letters escaped ("f\u00fchrung"); search that form too.
    spellings = _spellings(word)
    return spellings | {json.dumps(s)[1:-1] for s in spellings}


def search_words(select: sa.Select, q: str) -> sa.Select:
    """Every word must occur in the title, description, skills or company name (any case)."""
    texts = (Offer.title, Offer.description, Company.name)
    lists = (sa.cast(Offer.required_skills, sa.Text), sa.cast(Offer.nice_skills, sa.Text))
    for word in q.split()[:MAX_SEARCH_WORDS]:
        conditions = [column.ilike(_like(s), escape="!") for column in texts for s in _spellings(word)]
        conditions += [column.ilike(_like(s), escape="!") for column in lists for s in _json_spellings(word)]
        select = select.where(sa.or_(*conditions))
    return select


def filter_offers(select: sa.Select, filters: dict) -> sa.Select:
    """Apply the understood filters of the public list (see OfferFilterForm.valid_filters)."""
    if filters.get("q"):
        select = search_words(select, filters["q"])
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
    return select


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
