"""Read-only questions about companies, returning plain data."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from ..extensions import db
from ..models import Company, Membership, Sector, User
from ..names import skeleton


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
