"""The staff page of background jobs: counts per state, failed jobs with their error id, a retry button."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_failed_job_or_404, role_required
from ..errors import redirect_on_domain_error
from ..forms import EmptyForm
from ..models import Role
from . import operations, queries

bp = Blueprint("jobs", __name__)


@bp.route("/")
@role_required(Role.staff)
def index():
    return render_template("jobs/index.html", overview=queries.job_overview(), button_form=EmptyForm(),
                           shown=queries.FAILED_SHOWN)


@bp.route("/<job_id>/retry", methods=["POST"])
@role_required(Role.staff)
def retry(job_id: str):
    rq_job = get_failed_job_or_404(job_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    redirect_on_domain_error(url_for("jobs.index"))
    operations.retry_failed_job(rq_job, current_user)
    flash(_("The job is queued again."), "success")
    return redirect(url_for("jobs.index"))
