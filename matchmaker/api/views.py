"""The JSON API, version 1: public offers and companies, a company's own offers and the graduates who
fit them, a graduate's fitting offers. Thin like the pages: parse, check through access.py, call the
offers' operations and the matcher, commit once, answer JSON."""

from __future__ import annotations

from datetime import timezone

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from ..access import get_company_or_404, get_offer_or_404, get_unit_or_404, may_see_offer_contact
from ..audit import record_card_views
from ..brokering.operations import card_snapshot
from ..catalog import BTU_PROGRAMMES
from ..domain import DomainError, InvalidInput, NotAllowed
from ..extensions import db, limiter, login_manager
from ..graduates.queries import findable_profiles
from ..matching import index
from ..models import Company, Offer, ResearchUnit, Role, TokenScope
from ..offers import operations
from ..offers.forms import OfferFilterForm, OfferForm
from ..research.forms import UnitFilterForm
from . import queries
from .auth import authenticate_request, rate_limit_key, token_has, token_required
from .schemas import CompanyOut, OfferIn, OfferOut, UnitOut

bp = Blueprint("api", __name__)
# Every operation counts against the token's limit (RATELIMIT_API), answered by a 429 problem.
limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=rate_limit_key)(bp)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# A person reads the first pages of a ranking; deeper ranks are noise (as on the pages).
RANK_LIMIT = 200
# What a new offer says where the body is silent (as the form's defaults).
NEW_OFFER_DEFAULTS = {"language": "de", "place": "Industriepark Schwarze Pumpe", "remote_share": 0}
# The API's nested pay range and contact person, and the offer form's fields behind them.
NESTED_FIELDS = {
    "salary": {"min": "salary_min", "max": "salary_max", "currency": "salary_currency", "period": "salary_period"},
    "contact": {"name": "contact_name", "role": "contact_role", "email": "contact_email", "phone": "contact_phone"},
}
NESTED_DEFAULTS = {"salary_currency": "EUR"}
API_FIELD = {form_name: f"{outer}.{inner}" for outer, names in NESTED_FIELDS.items()
             for inner, form_name in names.items()}
# A cursor carries at most a company name (160 characters, JSON-escaped) and a row id, signed.
MAX_CURSOR = 2000
# Beyond this a cursor is a probe, not paging.
MAX_OFFSET = 10_000


class Unprocessable(DomainError):
    """Input that is well-formed but breaks the documented rules: 422 with messages per field."""

    status = 422

    def __init__(self, errors: dict[str, list], message=None):
        super().__init__(message or _l("Some fields are not valid. Please check them."))
        self.errors = errors


def _refuse_unknown_parameters():
    """A query parameter the document does not name is a mistake to point out, not to ignore."""
    from .spec import OPERATIONS

    operation = OPERATIONS.get(request.endpoint or "", {}).get(request.method.lower())
    if operation is None:
        return
    known = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    unknown = sorted(name for name in request.args if name not in known)
    if unknown:
        raise Unprocessable({name[:100]: [_("This parameter is not known. The API document lists the parameters.")]
                             for name in unknown[:20]})


@bp.before_request
def _authenticate():
    if request.endpoint == "api.docs":
        return  # an HTML page of the site, read with the site's own login (it shows no one's data)
    authenticate_request()
    _refuse_unknown_parameters()


@bp.errorhandler(Unprocessable)
def _unprocessable(error: Unprocessable):
    from .problems import problem

    db.session.rollback()
    return problem(422, str(error.message), errors=error.errors)


# ---- paging by cursor ----------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor-v1")


def _valid_position(position, keyset: bool) -> bool:
    if keyset:  # the sort key of the last item shown: [text, row id]
        return (isinstance(position, list) and len(position) == 2 and isinstance(position[0], str)
                and isinstance(position[1], int))
    return isinstance(position, int) and 0 <= position <= MAX_OFFSET


def _paging(listing: str, keyset: bool = False) -> tuple:
    """Where the request's opaque cursor continues the list `listing` (None: at its start), and the page size.

    A list in a stable order of the database continues after the sort key of the last item shown (keyset),
    so nothing is skipped or repeated when offers come and go; a ranking continues at an offset."""
    errors: dict[str, list] = {}
    limit = DEFAULT_LIMIT
    raw_limit = request.args.get("limit")
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            errors["limit"] = [_("Between %(min)d and %(max)d.", min=1, max=MAX_LIMIT)]
    position = None
    cursor = request.args.get("cursor")
    if cursor:
        try:
            name, kind, position = _serializer().loads(cursor[:MAX_CURSOR])
            if name != listing or kind != ("key" if keyset else "offset") or not _valid_position(position, keyset):
                raise BadSignature("another list")
        except (BadSignature, ValueError, TypeError):
            errors["cursor"] = [_("This cursor is not valid here: use the next_cursor of this list.")]
    if errors:
        raise Unprocessable(errors)
    return position, limit


def _page(listing: str, items: list, position, keyset: bool = False) -> dict:
    """A page of `items`; `position` is where the next page starts (None: this is the last)."""
    next_cursor = None
    if position is not None and _valid_position(position, keyset):
        next_cursor = _serializer().dumps([listing, "key" if keyset else "offset", position])
    return {"items": items, "next_cursor": next_cursor}


def _ranked_page(listing: str, items: list, offset: int, limit: int, total: int) -> dict:
    return _page(listing, items, offset + limit if total > offset + limit else None)


# ---- what goes out -------------------------------------------------------------------------------

def _aware(value):
    return value.replace(tzinfo=timezone.utc) if value is not None else None


def _salary(offer: Offer) -> dict | None:
    if not offer.has_salary:
        return None
    return {"min": None if offer.salary_min_cents is None else offer.salary_min_cents / 100,
            "max": None if offer.salary_max_cents is None else offer.salary_max_cents / 100,
            "currency": offer.salary_currency or "EUR", "period": offer.salary_period.value}


def _contact(offer: Offer) -> dict:
    """The contact person; email and phone only where the offer's page shows them to this reader."""
    shown = may_see_offer_contact(offer, current_user)
    return {"name": offer.contact_name or "", "role": offer.contact_role or "",
            "email": (offer.contact_email or "") if shown else None,
            "phone": (offer.contact_phone or "") if shown else None}


def offer_data(offer: Offer) -> dict:
    return OfferOut().dump({
        "id": offer.id, "url": url_for("offers.detail", offer_id=offer.id, _external=True),
        "kind": offer.kind.value, "status": offer.effective_status().value, "title": offer.title,
        "description": offer.description or "", "required_skills": list(offer.required_skills or []),
        "nice_skills": list(offer.nice_skills or []), "fields_of_study": list(offer.fields_of_study or []),
        "degree": offer.degree.value if offer.degree else None, "min_german_level": offer.min_german_level or None,
        "start_date": offer.start_date, "duration_months": offer.duration_months, "place": offer.place,
        "remote_share": offer.remote_share or 0, "language": offer.language, "end_date": offer.end_date,
        "published_at": _aware(offer.published_at), "expires_at": _aware(offer.expires_at),
        "company": {"id": offer.company.id, "name": offer.company.name},
        "salary": _salary(offer), "contact": _contact(offer),
    })


def unit_data(unit: ResearchUnit) -> dict:
    website = unit.website or ""
    return UnitOut().dump({
        "id": unit.id, "url": url_for("research.detail", unit_id=unit.id, _external=True), "name": unit.name,
        "faculty": unit.faculty.value, "kind": unit.kind.value, "head": unit.head or "",
        "contact_email": unit.contact_email or "",
        # As on the page: only a web address is shown as the website.
        "website": website if website.lower().startswith(("https://", "http://")) else "",
        "expertise": unit.expertise or "", "methods": unit.methods or "", "equipment": unit.equipment or "",
        "topics": unit.topic_list, "verified_at": _aware(unit.verified_at),
    })


def company_data(company: Company) -> dict:
    return CompanyOut().dump({
        "id": company.id, "url": url_for("companies.detail", company_id=company.id, _external=True),
        "name": company.name, "sector": company.sector.value,
        "size_band": company.size_band.value if company.size_band else None, "site": company.site or "",
        "about": company.about or "", "website": company.website or "",
    })


def _conditions(conditions) -> list[dict]:
    return [{"name": c.name, "held": bool(c.held)} for c in conditions]


# ---- reading the request -------------------------------------------------------------------------

def _offer_filters() -> dict:
    """The public list's facets from the query string; a value not understood is a 422, not ignored."""
    form = OfferFilterForm(formdata=request.args)
    form.validate()
    errors = {name: list(messages) for name, messages in form.errors.items()}
    # The page reads an empty choice as "any" and any text as "on"; the API takes only what its
    # document names.
    for name in ("kind", "sector", "degree", "german", "start_by", "pay_from", "pay_period"):
        if name in request.args and not request.args[name].strip():
            errors.setdefault(name, []).append(_("Please choose one of the listed values."))
    for name in ("remote", "salary"):
        if request.args.get(name, "true") not in ("true", "false"):
            errors.setdefault(name, []).append(_("Please give true or false."))
    if errors:
        raise Unprocessable(errors)
    return form.valid_filters()


def _unit_filters() -> dict:
    """The facets of the public list of research units; a value not understood is a 422."""
    form = UnitFilterForm(formdata=request.args)
    form.validate()
    errors = {name: list(messages) for name, messages in form.errors.items()}
    if "faculty" in request.args and not request.args["faculty"].strip():
        errors.setdefault("faculty", []).append(_("Please choose one of the listed values."))
    if errors:
        raise Unprocessable(errors)
    return form.valid_filters()


def _has_surrogates(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, list):
        return any(_has_surrogates(item) for item in value)
    if isinstance(value, dict):
        return any(_has_surrogates(item) for item in value.values())
    return False


def _offer_input(partial: bool) -> dict:
    """The JSON body as an offer's fields, checked against the documented schema."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput(_l("The body must be a JSON object (Content-Type: application/json)."))
    try:
        data = OfferIn(partial=partial).load(body)
    except ValidationError as error:
        raise Unprocessable(_schema_errors(error.messages))
    bad = [name for name, value in data.items() if _has_surrogates(value)]
    if bad:
        raise Unprocessable({name: [_("Contains characters that are not allowed.")] for name in bad})
    return data


def _schema_errors(messages: dict, prefix: str = "") -> dict[str, list]:
    """The schema's messages per field, a nested object's fields named `outer.inner`."""
    errors: dict[str, list] = {}
    for name, value in messages.items():
        key = prefix[:-1] if name == "_schema" and prefix else f"{prefix}{name}"
        if isinstance(value, dict) and str(name) in NESTED_FIELDS and not prefix:
            errors.update(_schema_errors(value, f"{name}."))
        else:
            errors.setdefault(str(key)[:100], []).append(_schema_message(value))
    return errors


def _schema_message(messages) -> str:
    text = " ".join(messages) if isinstance(messages, list) and all(isinstance(m, str) for m in messages) else ""
    if text == "Unknown field.":
        return _("This field is not known. The API document lists the fields.")
    if text == "Missing data for required field.":
        return _("This field is required.")
    if text == "Field may not be null.":
        return _("This field must not be null.")
    return _("This value does not fit the field's type or limits in the API document.")


def _form_data(fields: dict) -> MultiDict:
    """An offer's fields as the offer form's data, so that the API follows the very rules of the form."""
    data = MultiDict()
    for name, value in fields.items():
        if name in NESTED_FIELDS:
            # A pay range or contact sent replaces the whole one; null empties it.
            for inner, form_name in NESTED_FIELDS[name].items():
                given = (value or {}).get(inner)
                data[form_name] = NESTED_DEFAULTS.get(form_name, "") if given is None else str(given)
        elif name in ("required_skills", "nice_skills"):
            data[name] = ", ".join(value or [])
        elif name == "fields_of_study":
            for item in value or []:
                if item in BTU_PROGRAMMES:
                    data.add("fields_of_study", item)
            data["fields_other"] = ", ".join(item for item in value or [] if item not in BTU_PROGRAMMES)
        elif value is None:
            data[name] = ""
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def _checked_offer_fields(form: OfferForm) -> dict:
    if not form.validate():
        errors: dict[str, list] = {}
        for name, messages in form.errors.items():
            target = "fields_of_study" if name == "fields_other" else API_FIELD.get(name, name)
            errors.setdefault(target, []).extend(str(m) for m in messages)
        raise Unprocessable(errors)
    return form.offer_fields()


def _company_member():
    """The token's owner acting for their company: an active member, else 403."""
    user = current_user._get_current_object()
    if user.role != Role.company or user.active_company is None:
        raise NotAllowed(_l("Only active members of a company may use its offers through the API."))
    return user


# ---- anyone --------------------------------------------------------------------------------------

@bp.route("/offers")
def list_offers():
    filters = _offer_filters()
    keyset = not filters.get("q")  # words rank the offers; without them the order is the database's
    position, limit = _paging("offers", keyset=keyset)
    offers, following = queries.public_offer_page(filters, position, limit)
    return jsonify(_page("offers", [offer_data(o) for o in offers], following, keyset=keyset))


@bp.route("/offers/<int:offer_id>")
def get_offer(offer_id: int):
    # Without the scope to read offers a token's owner is an anonymous reader here: public offers only.
    viewer = current_user if token_has(TokenScope.read_offers) else login_manager.anonymous_user()
    return jsonify(offer_data(get_offer_or_404(offer_id, viewer)))


@bp.route("/companies")
def list_companies():
    sector = request.args.get("sector")
    if sector is not None and sector not in {s["value"] for s in _sectors()}:
        raise Unprocessable({"sector": [_("Please choose one of the listed values.")]})
    position, limit = _paging("companies", keyset=True)
    companies, following = queries.verified_company_page(sector, position, limit)
    return jsonify(_page("companies", [company_data(c) for c in companies], following, keyset=True))


def _sectors() -> list[dict]:
    from ..models import Sector

    return [{"value": s.value} for s in Sector]


@bp.route("/companies/<int:company_id>")
def get_company(company_id: int):
    viewer = current_user if token_has(TokenScope.read_offers) else login_manager.anonymous_user()
    return jsonify(company_data(get_company_or_404(company_id, viewer)))


@bp.route("/units")
def list_units():
    filters = _unit_filters()
    position, limit = _paging("units", keyset=True)
    units, following = queries.verified_unit_page(filters, position, limit)
    return jsonify(_page("units", [unit_data(unit) for unit in units], following, keyset=True))


@bp.route("/units/<int:unit_id>")
def get_unit(unit_id: int):
    # Verified units only, whoever asks: a member's or staff's token does not open an unverified one here.
    return jsonify(unit_data(get_unit_or_404(unit_id, login_manager.anonymous_user())))


# ---- a company: its own offers -------------------------------------------------------------------

@bp.route("/my/offers")
@token_required(TokenScope.read_offers)
def own_offers():
    user = _company_member()
    position, limit = _paging("own-offers", keyset=True)
    offers, following = queries.own_offer_page(user.active_company, position, limit)
    return jsonify(_page("own-offers", [offer_data(o) for o in offers], following, keyset=True))


@bp.route("/my/offers", methods=["POST"])
@token_required(TokenScope.write_offers)
def create_offer():
    user = _company_member()
    fields = {**NEW_OFFER_DEFAULTS, **_offer_input(partial=False)}
    form = OfferForm(formdata=_form_data(fields), meta={"csrf": False})
    offer = operations.create_offer(user.active_company, user, **_checked_offer_fields(form))
    db.session.commit()
    response = jsonify(offer_data(offer))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_offer", offer_id=offer.id)
    return response


@bp.route("/my/offers/<int:offer_id>", methods=["PATCH"])
@token_required(TokenScope.write_offers)
def update_offer(offer_id: int):
    user = _company_member()
    offer = get_offer_or_404(offer_id, user, edit=True)
    fields = _offer_input(partial=True)
    current = {name: value for name, value in OfferForm.initial_data(offer).items()}
    data = MultiDict()
    # What the offer says now, as the form shows it, with the fields sent put over it.
    for name, value in current.items():
        if isinstance(value, list):
            for item in value:
                data.add(name, item)
        else:
            data[name] = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else str(value))
    sent = _form_data(fields)
    for name in set(sent.keys()):
        data.setlist(name, sent.getlist(name))
    if "fields_of_study" in fields and "fields_of_study" not in sent:
        data.setlist("fields_of_study", [])
    form = OfferForm(formdata=data, meta={"csrf": False}, original_start=offer.start_date)
    operations.update_offer(offer, user, **_checked_offer_fields(form))
    db.session.commit()
    return jsonify(offer_data(offer))


@bp.route("/my/offers/<int:offer_id>/publish", methods=["POST"])
@token_required(TokenScope.write_offers)
def publish_offer(offer_id: int):
    user = _company_member()
    offer = get_offer_or_404(offer_id, user, edit=True)
    operations.publish_offer(offer, user)
    db.session.commit()
    return jsonify(offer_data(offer))


@bp.route("/my/offers/<int:offer_id>/close", methods=["POST"])
@token_required(TokenScope.write_offers)
def close_offer(offer_id: int):
    user = _company_member()
    offer = get_offer_or_404(offer_id, user, edit=True)
    operations.close_offer(offer, user)
    db.session.commit()
    return jsonify(offer_data(offer))


@bp.route("/my/offers/<int:offer_id>/graduates")
@token_required(TokenScope.read_matches)
def graduates_for_offer(offer_id: int):
    user = _company_member()
    offer = get_offer_or_404(offer_id, user, edit=True)
    offset, limit = _paging(f"graduates-{offer.id}")
    offset = offset or 0
    ranked = []
    if offer.is_public:
        # ids from SQL with the hard conditions; only the window's rows are loaded (as on the page)
        ranked = index.rank_page(offer, "profiles", findable_profiles(), strict=True, k=RANK_LIMIT)
    shown = ranked[offset:offset + limit]
    if shown:
        # Reasons from the card alone, and each card shown is in the graduate's log, as on the page.
        index.explain_profiles(offer, shown, for_company=True)
        if record_card_views(user, [item.profile for item in shown]):
            db.session.commit()
    items = [{"card": card_snapshot(item.profile), "score": float(item.match.score), "fit": item.match.label,
              "reasons": [{"term": r.query_term, "card_field": r.card_field, "share": float(r.share)}
                          for r in item.match.reasons],
              "conditions": _conditions(item.conditions)} for item in shown]
    return jsonify(_ranked_page(f"graduates-{offer.id}", items, offset, limit, len(ranked)))


# ---- a graduate: the offers that fit ------------------------------------------------------------

@bp.route("/my/matches")
@token_required(TokenScope.read_matches)
def matches():
    user = current_user._get_current_object()
    if user.role != Role.graduate:
        raise NotAllowed(_l("Only graduates have offers that fit them."))
    filters = _offer_filters()
    offset, limit = _paging("matches")
    offset = offset or 0
    profile = user.profile
    ranked = []
    if profile is not None and index.profile_has_content(profile):
        ranked = index.rank_page(profile, "offers", queries.candidate_offers(filters), strict=True, k=RANK_LIMIT)
    shown = ranked[offset:offset + limit]
    if shown:
        index.explain_offers(profile, shown)
    items = [{"offer": offer_data(item.offer), "score": float(item.match.score), "fit": item.match.label,
              "reasons": [{"term": r.query_term, "offer_term": r.candidate_term, "share": float(r.share)}
                          for r in item.match.reasons],
              "conditions": _conditions(item.conditions)} for item in shown]
    return jsonify(_ranked_page("matches", items, offset, limit, len(ranked)))


# ---- the description -----------------------------------------------------------------------------

@bp.route("/openapi.json")
def openapi():
    from .spec import openapi_document

    return jsonify(openapi_document(current_app))


@bp.route("/docs")
def docs():
    from .spec import openapi_document

    return render_template("api/docs.html", spec=openapi_document(current_app),
                           base=url_for("api.list_offers", _external=True).rsplit("/offers", 1)[0])
