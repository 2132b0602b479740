"""Read-only questions for the Präsenzstelle's staff area: the dashboard's counts and lists, the filtered lists."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..graduates.queries import findable_profiles
from ..models import Company, Membership, Offer, Role, User
from ..offers.queries import public_offers
from ..pagination import count_of

DASHBOARD_LIST = 20


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def pending_companies() -> sa.Select:
    """Companies that wait for verification (neither verified nor rejected)."""
    return sa.select(Company).where(Company.verified_at.is_(None), Company.rejected_at.is_(None))


def dashboard_counts() -> dict[str, int]:
    """The dashboard's numbers; "visible" and "offers" use the one definition of findable and public."""
    return {
        "pending": count_of(pending_companies()),
        "verified": count_of(sa.select(Company.id).where(Company.verified_at.is_not(None))),
        "graduates": count_of(sa.select(User.id).where(User.role == Role.graduate)),
        "visible": count_of(findable_profiles()),
        "offers": count_of(public_offers()),
        "users": count_of(sa.select(User.id)),
    }


def waiting_companies(limit: int = DASHBOARD_LIST) -> list[Company]:
    """The longest-waiting companies first."""
    return list(db.session.scalars(pending_companies().order_by(Company.created_at, Company.id).limit(limit)))


def waiting_members(limit: int = DASHBOARD_LIST) -> list[User]:
    """Company users whose request to join waits, oldest first."""
    return list(db.session.scalars(
        sa.select(User).where(User.role == Role.company, User.membership == Membership.pending,
                              User.active.is_(True))
        .order_by(User.created_at, User.id).limit(limit)))


def companies(state: str, query: str) -> sa.Select:
    """Companies in a verification state (all, pending, verified, rejected) whose name contains `query`."""
    select = sa.select(Company)
    if state == "pending":
        select = pending_companies()
    elif state == "verified":
        select = select.where(Company.verified_at.is_not(None))
    elif state == "rejected":
        select = select.where(Company.rejected_at.is_not(None), Company.verified_at.is_(None))
    if query:
        select = select.where(Company.name.ilike(_like(query), escape="\\"))
    # Waiting companies oldest first, so the longest wait comes up first; else by name.
    order = (Company.created_at, Company.id) if state == "pending" else (Company.name, Company.id)
    return select.order_by(*order)


def users(query: str, role: str, state: str) -> sa.Select:
    """Accounts whose email contains `query`, of one role, active or not."""
    select = sa.select(User)
    if query:
        select = select.where(User.email.ilike(_like(query.lower()), escape="\\"))
    if role:
        select = select.where(User.role == Role(role))
    if state == "active":
        select = select.where(User.active.is_(True))
    elif state == "inactive":
        select = select.where(User.active.is_(False))
    return select.order_by(User.email, User.id)


def company_members(company: Company) -> list[User]:
    """Everyone linked to the company, active members first."""
    return list(db.session.scalars(
        sa.select(User).where(User.company_id == company.id).order_by(User.membership.desc(), User.email)))


def company_offers(company: Company) -> list[Offer]:
    """All of the company's offers, newest first."""
    return list(db.session.scalars(
        sa.select(Offer).where(Offer.company_id == company.id).order_by(Offer.created_at.desc(), Offer.id.desc())))
