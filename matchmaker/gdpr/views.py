"""The person's data: the CV file, download my data, delete my account."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import cv
from ..access import get_cv_profile_or_404, login_required, role_required
from ..brokering.operations import CONSENTING_ROLES
from ..errors import on_domain_error
from ..extensions import db
from ..forms import EmptyForm
from ..models import Role, utcnow
from ..security import end_session, security_event
from ..stories import queries as story_queries
from . import operations
from .forms import CvUploadForm, DeleteAccountForm

bp = Blueprint("gdpr", __name__)

# Roles that may delete their own account here; staff, admin and board accounts are managed by admins.
SELF_DELETING_ROLES = (Role.graduate, Role.company, Role.researcher)


def _render_cv(form: CvUploadForm):
    profile = current_user.profile
    return render_template("gdpr/cv.html", form=form, profile=profile, delete_form=EmptyForm(formdata=None),
                           size=cv.file_size(profile.cv_file) if profile else None, max_mb=cv.max_megabytes())


@bp.route("/me/cv", methods=["GET", "POST"])
@role_required(Role.graduate)
def cv_file():
    profile = current_user.profile
    if profile is None:
        flash(_("Please fill in your profile first; then you can add your CV."), "info")
        return redirect(url_for("graduates.profile"))
    form = CvUploadForm()
    if form.validate_on_submit():
        # One byte more than allowed tells a too large file from one of exactly the limit.
        data = form.cv.data.stream.read(current_app.config["CV_MAX_BYTES"] + 1)

        def file_refused(error, text):
            form.cv.errors = list(form.cv.errors) + [text]
            return _render_cv(form)

        on_domain_error(file_refused, flash_message=False)
        text = cv.extract_text(data)
        old = operations.store_cv(profile, data, text)
        db.session.commit()
        cv.remove_file(old)
        if text:
            flash(_("Your CV is saved. We have put the text we read from it into your profile: please check "
                    "it and correct it where needed."), "success")
            return redirect(url_for("graduates.profile", _anchor="cv_text"))
        flash(_("Your CV is saved, but we could not read any text from it (perhaps it is a scanned image). "
                "You can type the text into your profile."), "info")
        return redirect(url_for("gdpr.cv_file"))
    return _render_cv(form), (400 if form.errors else 200)


@bp.route("/me/cv/delete", methods=["POST"])
@role_required(Role.graduate)
def delete_cv():
    profile = current_user.profile
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("gdpr.cv_file"))
    if profile is None or not profile.cv_file:
        flash(_("There is no CV file to delete."), "info")
        return redirect(url_for("gdpr.cv_file"))
    old = operations.delete_cv(profile)
    db.session.commit()
    cv.remove_file(old)
    flash(_("Your CV file is deleted. The CV text in your profile stays until you change or clear it there."),
          "success")
    return redirect(url_for("gdpr.cv_file"))


@bp.route("/graduates/<int:profile_id>/cv")
@role_required(Role.graduate, Role.company, Role.staff)
def download_cv(profile_id: int):
    profile = get_cv_profile_or_404(profile_id, current_user)
    return cv.send_cv(profile, current_user)


@bp.route("/account/data")
@login_required
def index():
    return render_template("gdpr/index.html", profile=current_user.profile,
                           may_delete=current_user.role in SELF_DELETING_ROLES,
                           may_see_consents=current_user.role in CONSENTING_ROLES,
                           stories_waiting=story_queries.waiting_count(current_user))


@bp.route("/account/data/export.json")
@login_required
def export():
    now = utcnow()
    document = operations.export_data(current_user, now)
    body = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    security_event("data_exported", user=current_user.id)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="matchmaker-data-{now:%Y-%m-%d}.json"',
        "Cache-Control": "no-store",
    })


@bp.route("/account/delete", methods=["GET", "POST"])
@role_required(*SELF_DELETING_ROLES)
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        user_id = user.id
        files = operations.erase_user(user)
        end_session()
        db.session.commit()
        for name in files:
            cv.remove_file(name)
        security_event("account_erased", user=user_id)
        flash(_("Your account and your data are deleted. Thank you for using Matchmaker."), "success")
        return redirect(url_for("main.index"))
    return render_template("gdpr/delete.html", form=form, confirm_word=_("DELETE")), (400 if form.errors else 200)
