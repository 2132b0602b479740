"""The graduate's own pages: dashboard, profile with consent, and the card companies see."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import role_required
from ..extensions import db
from ..gdpr.forms import CvUploadForm
from ..gdpr.operations import FINDABLE_CONSENT_TEXT
from ..models import Role
from . import operations
from .forms import ProfileForm, VisibilityForm, initial_data

bp = Blueprint("graduates", __name__)


@bp.route("/")
@role_required(Role.graduate)
def dashboard():
    profile = current_user.profile
    return render_template("graduates/dashboard.html", profile=profile,
                           missing=operations.missing_items(profile) if profile else [],
                           completeness=operations.completeness(profile), visibility_form=VisibilityForm(),
                           findable_text=FINDABLE_CONSENT_TEXT)


@bp.route("/profile", methods=["GET", "POST"])
@role_required(Role.graduate)
def profile():
    stored = current_user.profile
    form = ProfileForm(data=initial_data(stored) if request.method == "GET" else None,
                       stored_start=stored.earliest_start if stored else None)
    if form.validate_on_submit():
        was_visible = bool(stored and stored.visible_to_companies)
        saved = operations.save_profile(current_user, form.profile_data())
        db.session.commit()
        if saved.visible_to_companies and not was_visible:
            flash(_("Your profile is saved. Verified companies can now find your pseudonymous card."), "success")
        elif was_visible and not saved.visible_to_companies:
            flash(_("Your profile is saved. Companies can no longer find you."), "success")
        else:
            flash(_("Your profile is saved."), "success")
        return redirect(url_for("graduates.dashboard"))
    return render_template("graduates/profile.html", form=form, profile=stored, findable_text=FINDABLE_CONSENT_TEXT,
                           cv_form=CvUploadForm(formdata=None)), (400 if form.errors else 200)


@bp.route("/visibility", methods=["POST"])
@role_required(Role.graduate)
def visibility():
    profile = current_user.profile
    form = VisibilityForm()
    if profile is None:
        flash(_("Please fill in your profile first."), "info")
        return redirect(url_for("graduates.profile"))
    if not form.validate_on_submit():
        flash(_("Your visibility was not changed: please use the button on your dashboard."), "error")
        return redirect(url_for("graduates.dashboard"), 303)
    operations.set_visibility(profile, form.visible.data == "1")
    db.session.commit()
    if profile.visible_to_companies:
        flash(_("Verified companies can now find your pseudonymous card."), "success")
    else:
        flash(_("Companies can no longer find you."), "success")
    return redirect(url_for("graduates.dashboard"))


@bp.route("/card")
@role_required(Role.graduate)
def card():
    return render_template("graduates/card.html", profile=current_user.profile)
