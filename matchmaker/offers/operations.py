"""Every change to an offer goes through these functions. They flush but never commit."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..domain import NotAllowed, NotPossible
from ..extensions import db
from ..models import Company, Offer, OfferStatus, User, utcnow

# The columns an offer's author fills in; everything else (status, dates of the workflow) is ours.
EDITABLE_FIELDS = (
    "kind", "title", "description", "required_skills", "nice_skills", "fields_of_study", "degree",
    "min_german_level", "start_date", "duration_months", "place", "remote_share", "language", "end_date",
    "salary_min_cents", "salary_max_cents", "salary_currency", "salary_period",
    "contact_name", "contact_role", "contact_email", "contact_phone",
)


def _require_editor(offer: Offer, actor: User) -> None:
    company = actor.active_company
    if company is None or company.id != offer.company_id:
        raise NotAllowed(_l("Only active members of the offering company may change this offer."))


def _apply(offer: Offer, fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(offer, name, value)


def create_offer(company: Company, actor: User, **fields) -> Offer:
    """A new draft of `company`, written by `actor`."""
    if actor.active_company is None or actor.active_company.id != company.id:
        raise NotAllowed(_l("Only active members of a company may write its offers."))
    offer = Offer(company=company, created_by_id=actor.id, status=OfferStatus.draft)
    _apply(offer, fields)
    db.session.add(offer)
    db.session.flush()
    return offer


def update_offer(offer: Offer, actor: User, **fields) -> Offer:
    """Change what the offer says; a published offer stays published and follows a new end date."""
    _require_editor(offer, actor)
    old_end = offer.end_date
    _apply(offer, fields)
    if offer.status == OfferStatus.published and offer.published_at and offer.end_date != old_end:
        offer.expires_at = offer.expiry_for(offer.published_at, current_app.config["OFFER_DEFAULT_LIFETIME_DAYS"])
    db.session.flush()
    return offer


def publish_offer(offer: Offer, actor: User, now: datetime | None = None) -> Offer:
    """Make a draft public until its end date, else for the default lifetime."""
    _require_editor(offer, actor)
    now = now or utcnow()
    if not offer.company.is_verified:
        raise NotPossible(_l("Your company is not verified yet: the Präsenzstelle checks every company before "
                            "its offers go public. Until then your offer stays a draft."))
    status = offer.effective_status()
    if status == OfferStatus.published:
        raise NotPossible(_l("This offer is already published."))
    if status in (OfferStatus.closed, OfferStatus.expired):
        raise NotPossible(_l("This offer has ended. Reopen it as a draft, check it, then publish it again."))
    if offer.end_date and offer.end_date <= now.date():
        raise NotPossible(_l("The end date of this offer has passed. Please edit the offer first."))
    if offer.start_date and offer.start_date < date.today():
        raise NotPossible(_l("The start date of this offer has passed. Please edit the offer first."))
    offer.status = OfferStatus.published
    offer.published_at = now
    offer.expires_at = offer.expiry_for(now, current_app.config["OFFER_DEFAULT_LIFETIME_DAYS"])
    db.session.flush()
    return offer


def close_offer(offer: Offer, actor: User) -> Offer:
    """Take a published offer off the public list, e.g. because the post is filled."""
    _require_editor(offer, actor)
    if offer.status == OfferStatus.draft:
        raise NotPossible(_l("A draft is not public, so there is nothing to close."))
    if offer.status == OfferStatus.closed:
        raise NotPossible(_l("This offer is already closed."))
    offer.status = OfferStatus.closed
    db.session.flush()
    return offer


def reopen_offer(offer: Offer, actor: User) -> Offer:
    """A closed or expired offer becomes a draft again, to be checked and published anew."""
    _require_editor(offer, actor)
    if offer.effective_status() not in (OfferStatus.closed, OfferStatus.expired):
        raise NotPossible(_l("Only closed or expired offers can be reopened."))
    offer.status = OfferStatus.draft
    offer.published_at = None
    offer.expires_at = None
    db.session.flush()
    return offer


def expire_offers(now: datetime | None = None) -> int:
    """Mark published offers past their expiry as expired; returns how many changed."""
    now = now or utcnow()
    offers = db.session.scalars(
        db.select(Offer).where(Offer.status == OfferStatus.published, Offer.expires_at <= now)
    ).all()
    for offer in offers:
        offer.status = OfferStatus.expired
    db.session.flush()
    return len(offers)
