"""Changes to a company and its members. They flush but never commit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..domain import NotAllowed, NotPossible
from ..extensions import db
from ..models import Company, Membership, Role, SizeBand, Sector, User
from ..outbox import external_url, queue_mail

PROFILE_FIELDS = ("sector", "size_band", "site", "about", "website", "contact_email")


def _require_member(company: Company, actor: User) -> None:
    if actor.active_company is None or actor.active_company.id != company.id:
        raise NotAllowed(_l("Only active members of the company may do this."))


def update_company(company: Company, actor: User, **fields) -> Company:
    """Change the company's profile; its name stays as the Präsenzstelle verified it."""
    _require_member(company, actor)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        if name == "sector":
            value = Sector(value)
        elif name == "size_band":
            value = SizeBand(value) if value else None
        else:
            value = value or ""
        setattr(company, name, value)
    db.session.flush()
    return company


def pending_members(company: Company) -> list[User]:
    """Users who asked to join the company and wait for approval, oldest first."""
    return db.session.scalars(
        db.select(User).where(User.company_id == company.id, User.membership == Membership.pending,
                              User.role == Role.company)
        .order_by(User.created_at, User.id)
    ).all()


def _require_pending(company: Company, user: User) -> None:
    if user.company_id != company.id or user.membership != Membership.pending:
        raise NotPossible(_l("This person has no open request to join your company."))


def approve_member(company: Company, user: User, actor: User) -> bool:
    """Let a user who asked to join the company act for it, and tell them by mail.

    A colleague (an active member of the company) or staff may approve.  For
    staff a second approval is harmless and returns False; a colleague can
    only approve an open request."""
    by_staff = actor.is_staff
    if not by_staff:
        _require_member(company, actor)
    if user.company_id != company.id or user.role != Role.company or user.membership is None:
        raise NotPossible(_l("This person has no open request to join your company."))
    if user.membership == Membership.active:
        if by_staff:
            return False
        raise NotPossible(_l("This person has no open request to join your company."))
    user.membership = Membership.active
    queue_mail(user.email, _l("You can now act for %(company)s", company=company.name), "member_approved",
               locale=user.locale, kind="member_approved", company=company, by_staff=by_staff,
               link=external_url("companies.dashboard"))
    db.session.flush()
    return True


def decline_member(company: Company, user: User, actor: User) -> User:
    """Refuse a join request: the user's link to the company is removed, and they are told by mail."""
    _require_member(company, actor)
    _require_pending(company, user)
    user.company_id = None
    user.membership = None
    queue_mail(user.email, _l("Your request to join %(company)s was declined", company=company.name),
               "company_member_declined", locale=user.locale, kind="company_member_declined", company=company)
    db.session.flush()
    return user
