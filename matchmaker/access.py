"""Who may do what: the role gate and the ownership-checked lookups."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .extensions import db
from .models import Company, GraduateProfile, Offer, Role, User


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def role_required(*roles: Role):
    """Let only logged-in users with one of `roles` in; admins pass every staff gate."""
    allowed = set(roles)
    if Role.staff in allowed:
        allowed.add(Role.admin)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if _wants_json():
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


def _is_staff(user) -> bool:
    return user.is_authenticated and user.role in (Role.staff, Role.admin)


def can_edit_offer(offer: Offer, user) -> bool:
    company = getattr(user, "active_company", None) if user.is_authenticated else None
    return company is not None and company.id == offer.company_id


def get_offer_or_404(offer_id: int, for_user, edit: bool = False) -> Offer:
    """An offer the user may see (public, own company's, or any for staff); with edit=True only own."""
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        abort(404)
    if edit:
        if not can_edit_offer(offer, for_user):
            abort(404)
        return offer
    if offer.is_public or can_edit_offer(offer, for_user) or _is_staff(for_user):
        return offer
    abort(404)


def get_company_or_404(company_id: int, for_user) -> Company:
    """Verified companies are public; pending ones only for their members and staff."""
    company = db.session.get(Company, company_id)
    if company is None:
        abort(404)
    if company.is_verified or _is_staff(for_user):
        return company
    if for_user.is_authenticated and for_user.company_id == company.id:
        return company
    abort(404)


def get_profile_or_404(profile_id: int, for_user) -> GraduateProfile:
    """The owner and staff see a profile; companies only one that agreed to be found."""
    profile = db.session.get(GraduateProfile, profile_id)
    if profile is None or not for_user.is_authenticated:
        abort(404)
    if profile.user_id == for_user.id or _is_staff(for_user):
        return profile
    if (for_user.role == Role.company and for_user.active_company is not None
            and profile.visible_to_companies and profile.user.active):
        return profile
    abort(404)


def get_user_or_404(user_id: int, for_user) -> User:
    user = db.session.get(User, user_id)
    if user is None or not _is_staff(for_user):
        abort(404)
    return user
