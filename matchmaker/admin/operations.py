"""The Präsenzstelle's decisions: verifying companies, approving members, (de)activating accounts.

These flush but never commit; the view commits once and then delivers the queued mail.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..access import is_staff
from ..domain import NotAllowed, NotPossible
from ..extensions import db
from ..models import Company, Membership, Role, User, utcnow
from ..outbox import external_url, queue_mail

REASON_MAX = 2000


def _require_staff(actor: User) -> None:
    if not is_staff(actor):
        raise NotAllowed(_l("Only the Präsenzstelle may do this."))


def active_members(company: Company) -> list[User]:
    """The company's users who act for it and can still log in: they hear about decisions."""
    return list(db.session.scalars(
        db.select(User)
        .where(User.company_id == company.id, User.membership == Membership.active, User.active.is_(True))
        .order_by(User.id)
    ))


def _mail_members(company: Company, subject, template: str, **context) -> None:
    link = external_url("companies.dashboard")
    for member in active_members(company):
        queue_mail(member.email, subject, template, locale=member.locale, kind=template,
                   company=company, link=link, **context)


def verify_company(company: Company, actor: User) -> bool:
    """Mark the company as verified; False (and no mail) when it already was."""
    _require_staff(actor)
    if company.verified_at is not None:
        return False
    company.verified_at = utcnow()
    company.rejected_at = None
    company.rejection_reason = ""
    db.session.flush()
    _mail_members(company, _l("Your company is verified on Matchmaker"), "company_verified")
    return True


def reject_company(company: Company, actor: User, reason: str) -> bool:
    """Refuse verification with a reason the company's members read; False when nothing changed."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise NotPossible(_l("Please give a reason."))
    if len(reason) > REASON_MAX:
        raise NotPossible(_l("The reason may have at most %(n)d characters.", n=REASON_MAX))
    if company.rejected_at is not None and company.rejection_reason == reason:
        return False  # a repeated submission: no second mail
    company.rejected_at = utcnow()
    company.rejection_reason = reason
    company.verified_at = None
    db.session.flush()
    _mail_members(company, _l("Your company could not be verified on Matchmaker"), "company_rejected",
                  reason=reason)
    return True


def can_change_active_state(user: User, actor: User) -> bool:
    """Nobody switches their own account; only an admin switches a staff or admin account."""
    if user.id == actor.id:
        return False
    if user.is_staff:
        return actor.role == Role.admin
    return actor.is_staff


def _check_active_change(user: User, actor: User) -> None:
    _require_staff(actor)
    if user.id == actor.id:
        raise NotAllowed(_l("You cannot deactivate or reactivate your own account."))
    if user.is_staff and actor.role != Role.admin:
        raise NotAllowed(_l("Only an admin may deactivate or reactivate a staff or admin account."))


def deactivate_user(user: User, actor: User) -> bool:
    """Lock the account: no login, and an open session ends on its next request."""
    _check_active_change(user, actor)
    if not user.active:
        return False
    user.active = False
    # Raising the session version voids every session and remember-me cookie the user still holds,
    # so a later reactivation does not bring them back.
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()
    return True


def reactivate_user(user: User, actor: User) -> bool:
    _check_active_change(user, actor)
    if user.active:
        return False
    user.active = True
    db.session.flush()
    return True


def unlock_two_factor(user: User, actor: User) -> bool:
    """Open a second login step that too many wrong codes locked (the other way is a password reset)."""
    _require_staff(actor)
    if not can_change_active_state(user, actor):
        raise NotAllowed(_l("Only an admin may unlock the two-factor login of a staff or admin account."))
    from ..auth import totp

    return totp.unlock(user)
