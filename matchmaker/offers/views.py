"""Offers: the public list and page, and writing, publishing and closing them for a company."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import contains_eager

from ..access import (can_edit_offer, company_member_required, get_offer_or_404, is_staff, may_see_offer_contact,
                      role_required)
from ..brokering.operations import interest_consent_text
from ..errors import redirect_on_domain_error
from ..extensions import db
from ..forms import EmptyForm
from ..matching.index import explain_search
from ..models import Offer, PageViewKind, Role
from ..pagination import ListPage, page_arg, paginate_public
from ..reports.views import count_public_view
from . import operations
from .forms import OfferFilterForm, OfferForm
from .highlight import mark_hit
from .jsonld import job_posting
from .queries import filter_offers, public_offers, search_public_offers

bp = Blueprint("offers", __name__)

@bp.route("/")
def index():
    form = OfferFilterForm(formdata=request.args)
    filters = form.valid_filters()
    if filters.get("q"):  # ranked by the words, through the matcher; the facets as always
        page = ListPage(search_public_offers(filters), page_arg(), current_app.config["PAGE_SIZE"])
        explain_search(filters["q"], [hit for hit in page.items if hit.lang])
        marks = {hit.offer.id: mark_hit(hit, filters["q"]) for hit in page.items}
        return render_template("offers/index.html", form=form, page=page, filtered=True, marks=marks)
    select = filter_offers(public_offers(), filters)
    page = paginate_public(select.options(contains_eager(Offer.company)),
                           ("public offers", tuple(sorted((k, str(v)) for k, v in filters.items()))),
                           counted=select.with_only_columns(Offer.id))
    return render_template("offers/index.html", form=form, page=page, filtered=bool(filters), marks=None)


@bp.route("/<int:offer_id>")
def detail(offer_id: int):
    offer = get_offer_or_404(offer_id, current_user)
    if offer.is_public and not can_edit_offer(offer, current_user) and not is_staff(current_user):
        count_public_view(PageViewKind.offer, offer.id)
    # A graduate reads the sentence "I'm interested" records before the click: the very one, in their language.
    interest_consent = None
    if current_user.is_authenticated and current_user.role == Role.graduate and offer.is_public:
        interest_consent = interest_consent_text(offer, current_user.locale or "de")
    return render_template("offers/detail.html", offer=offer, owner=can_edit_offer(offer, current_user),
                           status=offer.effective_status(), interest_consent=interest_consent,
                           show_contact=may_see_offer_contact(offer, current_user),
                           job_posting=job_posting(offer) if offer.is_public else None)


@bp.route("/new", methods=["GET", "POST"])
@company_member_required
def new():
    company = current_user.active_company
    form = OfferForm()
    if form.validate_on_submit():
        offer = operations.create_offer(company, current_user, **form.offer_fields())
        db.session.commit()
        if company.is_verified:
            flash(_("Your draft is saved. Check it, then publish it."), "success")
        else:
            flash(_("Your draft is saved. You can publish it once the Präsenzstelle has verified your company."),
                  "success")
        return redirect(url_for("offers.detail", offer_id=offer.id))
    return render_template("offers/form.html", form=form, offer=None, company=company), (400 if form.errors else 200)


@bp.route("/<int:offer_id>/edit", methods=["GET", "POST"])
@role_required(Role.company)
def edit(offer_id: int):
    offer = get_offer_or_404(offer_id, current_user, edit=True)
    if request.method == "GET":
        form = OfferForm(data=OfferForm.initial_data(offer), original_start=offer.start_date)
    else:
        form = OfferForm(original_start=offer.start_date)
    if form.validate_on_submit():
        operations.update_offer(offer, current_user, **form.offer_fields())
        db.session.commit()
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("offers.detail", offer_id=offer.id))
    return (render_template("offers/form.html", form=form, offer=offer, company=offer.company),
            (400 if form.errors else 200))


def _own_offer_for_a_step(offer_id: int) -> Offer:
    """The own offer a workflow button names; a refused step shows the offer again with the reason."""
    offer = get_offer_or_404(offer_id, current_user, edit=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    redirect_on_domain_error(url_for("offers.detail", offer_id=offer.id))
    return offer


def _done(offer: Offer, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("offers.detail", offer_id=offer.id))


@bp.route("/<int:offer_id>/publish", methods=["POST"])
@role_required(Role.company)
def publish(offer_id: int):
    offer = _own_offer_for_a_step(offer_id)
    operations.publish_offer(offer, current_user)
    return _done(offer, _("Your offer is published."))


@bp.route("/<int:offer_id>/close", methods=["POST"])
@role_required(Role.company)
def close(offer_id: int):
    offer = _own_offer_for_a_step(offer_id)
    operations.close_offer(offer, current_user)
    return _done(offer, _("Your offer is closed and no longer listed."))


@bp.route("/<int:offer_id>/reopen", methods=["POST"])
@role_required(Role.company)
def reopen(offer_id: int):
    offer = _own_offer_for_a_step(offer_id)
    operations.reopen_offer(offer, current_user)
    return _done(offer, _("Your offer is a draft again. Check it, then publish it."))
