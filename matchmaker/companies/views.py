"""Companies: the public list and pages, and the company's own dashboard and profile."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import acts_for, company_member_required, get_company_or_404, is_staff
from ..brokering import queries as brokering_queries
from ..errors import redirect_on_domain_error
from ..extensions import db
from ..forms import EmptyForm
from ..offers.queries import offers_by_status, open_offers_of
from ..models import PageViewKind
from ..pagination import page_arg
from ..reports.views import count_public_view
from ..stories.queries import stories_about_company
from . import operations, queries
from .forms import CompanyFilterForm, CompanyForm

bp = Blueprint("companies", __name__)

# The dashboard lists this many of the introductions waiting for an answer; the rest are a link away.
WAITING_LISTED = 10


@bp.route("/")
def index():
    form = CompanyFilterForm(formdata=request.args)
    form.validate()
    sector = form.sector.data if not form.sector.errors else None
    page = db.paginate(queries.verified_companies(sector), page=page_arg(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("companies/index.html", form=form, page=page, filtered=bool(sector))


@bp.route("/<int:company_id>")
def detail(company_id: int):
    company = get_company_or_404(company_id, current_user)
    if company.is_verified and not acts_for(current_user, company.id) and not is_staff(current_user):
        count_public_view(PageViewKind.company, company.id)
    return render_template("companies/detail.html", company=company, offers=open_offers_of(company),
                           member=acts_for(current_user, company.id),
                           stories=stories_about_company(company.id) if company.is_verified else [])


@bp.route("/mine")
@company_member_required(status=200)
def dashboard():
    company = current_user.active_company
    groups = offers_by_status(company)
    return render_template("companies/dashboard.html", company=company, groups=groups,
                           pending=operations.pending_members(company),
                           waiting=brokering_queries.waiting_for_company(company),
                           answers=brokering_queries.answers_waiting(company, limit=WAITING_LISTED),
                           figures=queries.offer_figures([offer for offers in groups.values() for offer in offers]))


@bp.route("/mine/edit", methods=["GET", "POST"])
@company_member_required
def edit():
    company = current_user.active_company
    if request.method == "GET":
        form = CompanyForm(data={
            "sector": company.sector.value, "size_band": company.size_band.value if company.size_band else "",
            "site": company.site, "about": company.about, "website": company.website,
            "contact_email": company.contact_email})
    else:
        form = CompanyForm()
    if form.validate_on_submit():
        operations.update_company(company, current_user, **{name: form[name].data for name in operations.PROFILE_FIELDS})
        db.session.commit()
        flash(_("The company profile is saved."), "success")
        return redirect(url_for("companies.dashboard"))
    return render_template("companies/edit.html", form=form, company=company), (400 if form.errors else 200)


def _member_request(user_id: int):
    """The own company and a user who asked to join it; anything else is 404."""
    company = current_user.active_company
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = queries.join_request(company, user_id)
    if user is None:
        abort(404)
    return company, user


@bp.route("/mine/members/<int:user_id>/approve", methods=["POST"])
@company_member_required
def approve_member(user_id: int):
    company, user = _member_request(user_id)
    redirect_on_domain_error(url_for("companies.dashboard"))
    operations.approve_member(company, user, current_user)
    db.session.commit()
    flash(_("%(email)s can now act for your company.", email=user.email), "success")
    return redirect(url_for("companies.dashboard"))


@bp.route("/mine/members/<int:user_id>/decline", methods=["POST"])
@company_member_required
def decline_member(user_id: int):
    company, user = _member_request(user_id)
    redirect_on_domain_error(url_for("companies.dashboard"))
    operations.decline_member(company, user, current_user)
    db.session.commit()
    flash(_("The request of %(email)s is declined; we have told them by mail.", email=user.email), "success")
    return redirect(url_for("companies.dashboard"))
