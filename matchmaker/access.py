"""Who may do what: the role gate, the company-member gate and every ownership-checked lookup."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .errors import wants_json
from .extensions import db
from .models import (ApiToken, Company, ConsentRecord, Event, GraduateProfile, Introduction, Measure, Offer, OfferFeed,
                     ResearchUnit, Role, Story, User)


def role_required(*roles: Role):
    """Let only logged-in users with one of `roles` in; admins pass every staff gate."""
    allowed = set(roles)
    if Role.staff in allowed:
        allowed.add(Role.admin)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if wants_json():
                    return jsonify(error=_("Please log in.")), 401
                flash(_("Please log in to open this page."), "info")
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(allowed)
        return wrapped

    return decorator


def login_required(view):
    """Any logged-in user."""
    return role_required(*Role)(view)


def company_member_required(view=None, *, status: int = 403):
    """Company users who may act for their company; others of them see why not (a pending request)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.active_company is None:
                return render_template("companies/not_member.html"), status
            return view(*args, **kwargs)

        return role_required(Role.company)(wrapped)

    return decorator(view) if view is not None else decorator


def is_staff(user) -> bool:
    """Staff or admin (the Präsenzstelle); False for anonymous visitors."""
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def acts_for(user, company_id: int) -> bool:
    """The user is an active member of the company."""
    company = getattr(user, "active_company", None) if getattr(user, "is_authenticated", False) else None
    return company is not None and company.id == company_id


def can_edit_offer(offer: Offer, user) -> bool:
    return acts_for(user, offer.company_id)


def may_see_offer_contact(offer: Offer, user) -> bool:
    """The contact person's email and phone: on public offers, and to the offer's company and staff."""
    return offer.is_public or can_edit_offer(offer, user) or is_staff(user)


def get_offer_or_404(offer_id: int, for_user, edit: bool = False) -> Offer:
    """An offer the user may see (public, own company's, or any for staff); with edit=True only own."""
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        abort(404)
    if edit:
        if not can_edit_offer(offer, for_user):
            abort(404)
        return offer
    if offer.is_public or can_edit_offer(offer, for_user) or is_staff(for_user):
        return offer
    abort(404)


def get_company_or_404(company_id: int, for_user) -> Company:
    """Verified companies are public; pending ones only for their members and staff."""
    company = db.session.get(Company, company_id)
    if company is None:
        abort(404)
    if company.is_verified or is_staff(for_user):
        return company
    if for_user.is_authenticated and for_user.company_id == company.id:
        return company
    abort(404)


def get_profile_or_404(profile_id: int, for_user) -> GraduateProfile:
    """The owner and staff see a profile; companies only one that agreed to be found."""
    from .graduates.queries import is_findable

    profile = db.session.get(GraduateProfile, profile_id)
    if profile is None or not for_user.is_authenticated:
        abort(404)
    if profile.user_id == for_user.id or is_staff(for_user):
        return profile
    if for_user.role == Role.company and for_user.active_company is not None and is_findable(profile):
        return profile
    abort(404)


def get_user_or_404(user_id: int, for_user) -> User:
    user = db.session.get(User, user_id)
    if user is None or not is_staff(for_user):
        abort(404)
    return user


def get_introduction_or_404(introduction_id: int, for_user) -> Introduction:
    """An introduction its graduate, its company's active members and staff may see; 404 for anyone else."""
    introduction = db.session.get(Introduction, introduction_id)
    if introduction is None or introduction.side_of(for_user) is None:
        abort(404)
    return introduction


def get_consent_or_404(consent_id: int, for_user) -> ConsentRecord:
    """A consent record of the user's own; 404 for anyone else."""
    consent = db.session.get(ConsentRecord, consent_id)
    if consent is None or consent.user_id != getattr(for_user, "id", None):
        abort(404)
    return consent


def get_cv_profile_or_404(profile_id: int, for_user) -> GraduateProfile:
    """A profile whose CV file `for_user` may download: own, staff, or an introduced company; else 404."""
    from .cv import company_was_introduced

    profile = db.session.get(GraduateProfile, profile_id)
    if profile is None or not profile.cv_file or not for_user.is_authenticated:
        abort(404)
    if profile.user_id == for_user.id or is_staff(for_user):
        return profile
    if for_user.role == Role.company and profile.user.active and company_was_introduced(profile, for_user):
        return profile
    abort(404)


def get_measure_or_404(measure_id: int, for_user) -> Measure:
    """A measure of the board's plan: board members and staff read every one; 404 for anyone else."""
    measure = db.session.get(Measure, measure_id)
    if measure is None or not getattr(for_user, "is_authenticated", False) or not (
            for_user.is_staff or for_user.role == Role.board):
        abort(404)
    return measure


def get_hire_or_404(introduction_id: int, for_user) -> Introduction:
    """A hire whose retention staff record; 404 for anything else and anyone else."""
    from .models import IntroductionState

    introduction = db.session.get(Introduction, introduction_id)
    if introduction is None or not is_staff(for_user) or introduction.state != IntroductionState.hired:
        abort(404)
    return introduction


def get_event_or_404(event_id: int, for_user) -> Event:
    """Events are public, also past and cancelled ones (reachable by id); 404 only for no such event."""
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def get_token_or_404(token_id: int, for_user) -> ApiToken:
    """A personal API token: its owner and staff may see and revoke it; 404 for anyone else."""
    token = db.session.get(ApiToken, token_id)
    if token is None or not getattr(for_user, "is_authenticated", False):
        abort(404)
    if token.user_id == for_user.id or is_staff(for_user):
        return token
    abort(404)


def get_feed_or_404(feed_id: int, for_user) -> OfferFeed:
    """A feed its company's active members and staff may see and run; 404 for anyone else."""
    feed = db.session.get(OfferFeed, feed_id)
    if feed is None or not (is_staff(for_user) or acts_for(for_user, feed.company_id)):
        abort(404)
    return feed


def get_story_or_404(story_id: int, for_user) -> Story:
    """A published story for everyone; staff see every one, and a person a story names sees it to confirm
    it. One that was published and is offline now answers 410 Gone; anything else 404."""
    story = db.session.get(Story, story_id)
    if story is None:
        abort(404)
    if story.is_public or is_staff(for_user) or story.names(for_user):
        return story
    if story.is_gone and story.published_at is not None:
        abort(410)
    abort(404)


def is_unit_member(unit: ResearchUnit, user) -> bool:
    """The user is a researcher and a member of the unit."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.researcher and unit.has_member(user)


def can_edit_unit(unit: ResearchUnit, user) -> bool:
    """Staff and the unit's own members edit a unit."""
    return is_staff(user) or is_unit_member(unit, user)


def get_unit_or_404(unit_id: int, for_user, edit: bool = False, member: bool = False) -> ResearchUnit:
    """A research unit: verified ones are public; unverified ones only for staff and members.

    With edit=True only staff and members; with member=True only the unit's own members (who act for it)."""
    unit = db.session.get(ResearchUnit, unit_id)
    if unit is None:
        abort(404)
    if member:
        if not is_unit_member(unit, for_user):
            abort(404)
        return unit
    if edit:
        if not can_edit_unit(unit, for_user):
            abort(404)
        return unit
    if unit.is_verified or can_edit_unit(unit, for_user):
        return unit
    abort(404)


def get_failed_job_or_404(job_id: str, for_user):
    """A failed background job (RQ), for staff only; 404 without Redis, for no such job, or one not failed."""
    from .jobs.queries import failed_job

    if not is_staff(for_user):
        abort(404)
    rq_job = failed_job(job_id)
    if rq_job is None:
        abort(404)
    return rq_job
