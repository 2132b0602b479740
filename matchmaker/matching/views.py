"""Fits both ways: offers for a graduate, graduates for an offer, and the staff's matching board."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_offer_or_404, role_required
from ..audit import record_card_views
from ..brokering.forms import InviteForm
from ..catalog import BTU_PROGRAMMES
from ..extensions import db
from ..forms import restore_form
from ..graduates.queries import findable_profiles
from ..models import Company, GraduateProfile, Offer, OfferKind, Role, Sector
from ..offers.queries import filter_offers, public_offers, search_public_offers
from ..pagination import ListPage, page_arg
from . import index
from .board import BoardNotReady, current_board
from .forms import FitFilterForm

bp = Blueprint("matching", __name__)

RANK_LIMIT = 200  # a person reads the first pages; deeper ranks are noise
PREPARING_RETRY_SECONDS = 5


@bp.app_errorhandler(index.IndexNotReady)
def ranking_being_prepared(_error):
    """No index in this process yet (just started; loaded or built in the background): every page
    that ranks answers at once that the ranking is being prepared, and reloads itself."""
    from ..errors import wants_json

    if wants_json():
        response = make_response(jsonify(error=_("The ranking is being prepared. Please try again in a moment.")),
                                 503)
    else:
        response = make_response(render_template("matching/preparing.html", retry=PREPARING_RETRY_SECONDS), 503)
        response.headers["Refresh"] = str(PREPARING_RETRY_SECONDS)
    response.headers["Retry-After"] = str(PREPARING_RETRY_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_errorhandler(BoardNotReady)
def board_being_prepared(_error):
    """The board's pairs for these filters are being computed for the first time (many offers)."""
    response = make_response(render_template(
        "matching/preparing.html", retry=PREPARING_RETRY_SECONDS, title=_("The matching board is being prepared"),
        message=_("The best pairs of all open offers and graduates are being computed. With many offers this "
                  "takes a few minutes; this page reloads by itself every %(seconds)s seconds.",
                  seconds=PREPARING_RETRY_SECONDS)), 503)
    response.headers["Refresh"] = str(PREPARING_RETRY_SECONDS)
    response.headers["Retry-After"] = str(PREPARING_RETRY_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _strict() -> bool:
    """By default the hard conditions filter; `?all=1` shows the near misses with what failed."""
    return request.args.get("all") != "1"


@bp.route("/offers")
@role_required(Role.graduate)
def offers_for_me():
    profile = current_user.profile
    if profile is None or not index.profile_has_content(profile):
        return render_template("matching/offers_for_me.html", profile=profile, form=None, page=None,
                               strict=_strict(), hidden=[])
    form = FitFilterForm(formdata=request.args, profile=profile)
    filters = form.valid_filters()
    candidates = filter_offers(public_offers(), filters)
    if filters.get("q"):  # the words typed narrow the offers as on the public list
        candidates = candidates.where(Offer.id.in_(search_public_offers(filters).ids))
    ranked, hidden = index.offers_with_near_misses(profile, candidates, form.held(), strict=_strict(), k=RANK_LIMIT)
    page = ListPage(ranked, page_arg(), current_app.config["PAGE_SIZE"])
    if page.items:
        index.explain_offers(profile, page.items)
    return render_template("matching/offers_for_me.html", profile=profile, form=form, page=page,
                           strict=_strict(), hidden=hidden if _strict() else [], show_url=_show_hidden_url)


def _show_hidden_url(condition: str) -> str:
    """This list with one condition set to "any" (or, for offers failing several, with the near misses)."""
    args = request.args.to_dict(flat=False)
    args.pop("page", None)
    if condition == "several":
        args["all"] = ["1"]
    else:
        args[condition] = [""]
    return url_for("matching.offers_for_me", **args)


@bp.route("/offers/<int:offer_id>/graduates")
@role_required(Role.company, Role.staff)
def graduates_for_offer(offer_id: int):
    if current_user.role == Role.company:
        offer = get_offer_or_404(offer_id, current_user, edit=True)
    else:
        offer = get_offer_or_404(offer_id, current_user)
    ranked = []
    if offer.is_public:
        ranked = index.rank_page(offer, "profiles", findable_profiles(), strict=_strict(), k=RANK_LIMIT)
    page = ListPage(ranked, page_arg(), current_app.config["PAGE_SIZE"])
    if page.items:
        index.explain_profiles(offer, page.items, for_company=current_user.role == Role.company)
        # The cards on this page are what the company sees; each graduate finds it in their log.
        if record_card_views(current_user, [r.profile for r in page.items]):
            db.session.commit()
    invite_forms = {}
    if current_user.role == Role.company:
        # An invitation refused for its input comes back here with the text typed (see brokering.invite).
        invite_forms = {r.profile.id: restore_form(InviteForm, InviteForm.stash_name(offer.id, r.profile.id))
                        for r in page.items}
    return render_template("matching/graduates_for_offer.html", offer=offer, page=page, strict=_strict(),
                           invite_forms=invite_forms)


# The board's filters: query parameter -> (key, how to read a value, the values understood).
BOARD_FILTERS = (
    ("kind", OfferKind, OfferKind._value2member_map_),
    ("sector", Sector, Sector._value2member_map_),
    ("study", str, BTU_PROGRAMMES),
)


def _board_filters() -> tuple[dict, list[str]]:
    """The board's filters from the query string; values not understood are named, then ignored."""
    values, problems = {}, []
    for name, read, known in BOARD_FILTERS:
        raw = request.args.get(name, "")
        if not raw:
            continue
        if raw in known:
            values[name] = read(raw)
        else:
            problems.append(name)
    return values, problems


@bp.route("/board")
@role_required(Role.staff)
def board():
    filters, problems = _board_filters()
    offers = public_offers()
    if "kind" in filters:
        offers = offers.where(Offer.kind == filters["kind"])
    if "sector" in filters:
        offers = offers.where(Company.sector == filters["sector"])
    profiles = findable_profiles()
    if "study" in filters:
        profiles = profiles.where(GraduateProfile.study_programme == filters["study"])
    from ..brokering.queries import open_pairs
    from ..research.queries import open_unit_pairs, verified_units

    # Only ids are read to rank; the rows are loaded for the page shown. With many offers the pairs
    # come from the last computation in the background (board.py).
    page_number = page_arg()
    shown = current_board(tuple(sorted((name, str(value)) for name, value in filters.items())), offers, profiles,
                          verified_units(), exclude=open_pairs(), unit_exclude=open_unit_pairs(),
                          with_units=page_number == 1)
    page = ListPage(shown.pairs, page_number, current_app.config["PAGE_SIZE"])
    for pair in page.items:
        index.explain_profiles(pair.offer, [pair])
    # Research questions and BTU's units: the best pairs, on the first page only.
    unit_pairs = shown.unit_pairs if page.page == 1 else []
    for pair in unit_pairs:
        index.explain(pair.offer, "units", [pair])
    return render_template("matching/board.html", page=page, filters=filters, problems=problems,
                           programmes=BTU_PROGRAMMES, args=request.args, unit_pairs=unit_pairs,
                           computed_at=shown.computed_at, updating=shown.updating)
