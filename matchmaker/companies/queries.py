"""Read-only questions about companies, returning plain data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import (CLOSED_STATES, ENDED_STATES, Company, Introduction, Membership, Offer, PageView, PageViewKind,
                      Sector, Side, User)
from ..names import skeleton

# The dashboard counts the graduates who fit an offer up to this many and then says "100+": the ranking
# stops there, so the count costs one bounded ranking per public offer.
FITS_BOUND = 100


def verified_companies(sector: str | None = None) -> sa.Select:
    """The public company list: verified companies by name, of one sector if given."""
    select = sa.select(Company).where(Company.verified_at.is_not(None)).order_by(Company.name, Company.id)
    if sector:
        select = select.where(Company.sector == Sector(sector))
    return select


def join_request(company: Company, user_id: int) -> User | None:
    """The user, if they asked to join the company and wait for an answer."""
    return db.session.scalar(sa.select(User).where(
        User.id == user_id, User.company_id == company.id, User.membership == Membership.pending))


def look_alikes(companies: list[Company]) -> dict[int, list[str]]:
    """For each given company, the names of other companies that read the same (same `names.skeleton`).

    A handful of companies per industrial park: comparing in Python against all names is cheap.
    """
    wanted = {company.id: skeleton(company.name) for company in companies}
    if not wanted:
        return {}
    by_skeleton: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for company_id, name in db.session.execute(db.select(Company.id, Company.name).order_by(Company.name)):
        by_skeleton[skeleton(name)].append((company_id, name))
    return {company_id: [name for other_id, name in by_skeleton.get(shape, []) if other_id != company_id]
            for company_id, shape in wanted.items()}


@dataclass
class OfferFigures:
    """What one offer has drawn, for its company: public views, fits, interest, open introductions."""

    views: int = 0  # public views of the offer's page, all days
    fits: int | None = None  # findable graduates who meet every condition and fit (None: not public)
    fits_more: bool = False  # the ranking stopped at its bound: there may be more
    fits_pending: bool = False  # public, but this process has no matcher index yet: counted later
    interested: int = 0  # graduates who said interested and have not taken it back
    open_introductions: int = 0  # introductions about the offer not closed yet


def offer_figures(offers: list[Offer], fits_bound: int = FITS_BOUND) -> dict[int, OfferFigures]:
    """The figures of each given offer (of one company), by offer id: three grouped queries and, for
    the public offers, one bounded ranking each (the matching of the "Graduates who fit" page), once
    the process has its matcher index (it never builds one for this)."""
    figures = {offer.id: OfferFigures() for offer in offers}
    if not figures:
        return {}
    ids = list(figures)
    for offer_id, views in db.session.execute(
            sa.select(PageView.object_id, sa.func.sum(PageView.count))
            .where(PageView.kind == PageViewKind.offer, PageView.object_id.in_(ids))
            .group_by(PageView.object_id)):
        figures[offer_id].views = int(views or 0)
    # An interest the graduate took back (declined or withdrew it themselves) no longer counts.
    taken_back = sa.and_(Introduction.state.in_(list(ENDED_STATES)), Introduction.closed_by_side == Side.graduate)
    for offer_id, n in db.session.execute(
            sa.select(Introduction.offer_id, sa.func.count(sa.distinct(Introduction.profile_id)))
            .where(Introduction.offer_id.in_(ids), Introduction.started_by == Side.graduate, sa.not_(taken_back))
            .group_by(Introduction.offer_id)):
        figures[offer_id].interested = n
    for offer_id, n in db.session.execute(
            sa.select(Introduction.offer_id, sa.func.count())
            .where(Introduction.offer_id.in_(ids), Introduction.state.not_in(list(CLOSED_STATES)))
            .group_by(Introduction.offer_id)):
        figures[offer_id].open_introductions = n
    public = [offer for offer in offers if offer.is_public]
    from ..matching import index

    if public and not index.index_ready():  # no page waits for a first build for a figure
        for offer in public:
            figures[offer.id].fits_pending = True
    elif public:
        from ..graduates.queries import findable_profiles

        for offer in public:  # ids from SQL with the hard conditions, ranked as "Graduates who fit"; no row loaded
            fits = len(index.rank_page(offer, "profiles", findable_profiles(), strict=True, k=fits_bound))
            figures[offer.id].fits = fits
            figures[offer.id].fits_more = fits >= fits_bound
    return figures
