"""Read-only questions for the start page."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Company, GraduateProfile, Offer
from ..events.queries import next_events  # noqa: F401  (the start page's next three events)
from ..offers.queries import public_offers
from ..stories.queries import newest_stories  # noqa: F401  (the start page's newest stories)


def _count(select: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(select.subquery())) or 0


def latest_offers(limit: int = 6) -> list[Offer]:
    """The newest public offers."""
    return list(db.session.scalars(public_offers().limit(limit)))


def start_page_counts() -> dict[str, int]:
    """Public offers, verified companies and graduate profiles, as the start page shows them."""
    return {
        "offers": _count(public_offers()),
        "companies": db.session.scalar(sa.select(sa.func.count(Company.id)).where(Company.verified_at.is_not(None)))
        or 0,
        "graduates": db.session.scalar(sa.select(sa.func.count(GraduateProfile.id))) or 0,
    }
