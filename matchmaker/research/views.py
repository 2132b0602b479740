"""Research units: the public list and pages, staff administration, members, and matching to questions."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import (acts_for, can_edit_unit, get_offer_or_404, get_unit_or_404, is_staff, is_unit_member,
                      role_required)
from ..brokering import operations as brokering
from ..catalog import FIELD_OF_ACTION_KINDS
from ..errors import redirect_on_domain_error
from ..extensions import db
from ..forms import EmptyForm, redirect_with_form_errors, restore_form
from ..i18n import current_locale
from ..models import FieldOfAction, Role
from ..offers.queries import public_offers
from ..pagination import ListPage, page_arg, paginate
from ..stories.queries import stories_about_unit
from . import operations, queries
from .forms import (InviteMemberForm, JoinForm, ProposeUnitForm, QuestionFilterForm, UnitFilterForm, UnitForm,
                    UnitMessageForm)

bp = Blueprint("research", __name__)

RANK_LIMIT = 200


# ---- public ----------------------------------------------------------------------------------

@bp.route("/")
def index():
    """Verified units, searchable, with the faculty and topic facets."""
    form = UnitFilterForm(formdata=request.args)
    filters = form.valid_filters()
    page = paginate(queries.public_units(filters))
    return render_template("research/index.html", form=form, page=page, filtered=bool(filters), filters=filters,
                           faculties=queries.faculty_counts(), topics=queries.topic_facet())


@bp.route("/<int:unit_id>")
def detail(unit_id: int):
    unit = get_unit_or_404(unit_id, current_user)
    company = current_user.active_company if current_user.is_authenticated else None
    questions = []
    if company is not None and unit.is_verified:
        questions = [offer for offer in company.offers if offer.is_public and offer.kind in queries.UNIT_OFFER_KINDS]
    return render_template("research/detail.html", unit=unit, can_edit=can_edit_unit(unit, current_user),
                           member=is_unit_member(unit, current_user), staff=is_staff(current_user),
                           questions=questions, invite_form=restore_form(InviteMemberForm, "invite_member"),
                           message_form=UnitMessageForm(formdata=None), verify_form=EmptyForm(formdata=None),
                           stories=stories_about_unit(unit.id) if unit.is_verified else [])


# ---- staff -----------------------------------------------------------------------------------

@bp.route("/manage")
@role_required(Role.staff)
def manage():
    return render_template("research/manage.html", page=paginate(queries.all_units()))


def _form_data(unit) -> dict:
    return {name: getattr(unit, name).value if name in ("faculty", "kind") else getattr(unit, name)
            for name in operations.PROFILE_FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.staff)
def new():
    form = UnitForm()
    if form.validate_on_submit():
        unit = operations.create_unit(current_user, **{name: form[name].data for name in operations.PROFILE_FIELDS})
        db.session.commit()
        flash(_("The research unit is saved. Verify it to make it public, and invite its members."), "success")
        return redirect(url_for("research.detail", unit_id=unit.id))
    return render_template("research/edit.html", form=form, unit=None), (400 if form.errors else 200)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@role_required(Role.researcher, Role.staff)
def edit(unit_id: int):
    unit = get_unit_or_404(unit_id, current_user, edit=True)
    form = UnitForm(data=_form_data(unit)) if request.method == "GET" else UnitForm()
    if form.validate_on_submit():
        operations.update_unit(unit, current_user, **{name: form[name].data for name in operations.PROFILE_FIELDS})
        db.session.commit()
        flash(_("The research unit is saved."), "success")
        return redirect(url_for("research.detail", unit_id=unit.id))
    return render_template("research/edit.html", form=form, unit=unit), (400 if form.errors else 200)


@bp.route("/<int:unit_id>/verify", methods=["POST"])
@role_required(Role.staff)
def verify(unit_id: int):
    unit = get_unit_or_404(unit_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    redirect_on_domain_error(url_for("research.detail", unit_id=unit.id))
    operations.verify_unit(unit, current_user)
    db.session.commit()
    flash(_("The research unit is verified and now public."), "success")
    return redirect(url_for("research.detail", unit_id=unit.id))


@bp.route("/<int:unit_id>/members", methods=["POST"])
@role_required(Role.researcher, Role.staff)
def invite_member(unit_id: int):
    """Staff invite the first people of a unit; its members invite their colleagues."""
    unit = get_unit_or_404(unit_id, current_user, edit=True)
    back = url_for("research.detail", unit_id=unit.id, _anchor="members")
    form = InviteMemberForm()
    if not form.validate_on_submit():
        return redirect_with_form_errors(form, "invite_member", back)
    redirect_on_domain_error(back)
    operations.invite_member(unit, current_user, form.email.data)
    db.session.commit()
    flash(_("The invitation is on its way to %(email)s.", email=form.email.data), "success")
    return redirect(back)


# ---- joining by invitation ---------------------------------------------------------------------

@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    """The invitation's link: a new researcher sets a password; a logged-in researcher joins with one click."""
    invitation = operations.read_invitation(token)
    if invitation is None:
        return render_template("research/join.html", state="invalid", unit=None, email="", form=None), 400
    unit, email = invitation
    existing = queries.user_by_email(email)
    if current_user.is_authenticated:
        if current_user.role != Role.researcher or current_user.email != email:
            return render_template("research/join.html", state="other_account", unit=unit, email=email,
                                   form=None), 409
        form = EmptyForm()
        if request.method == "POST":
            if not form.validate_on_submit():
                abort(400)
            operations.join_unit(unit, current_user, email)
            db.session.commit()
            flash(_("You are now a member of %(unit)s.", unit=unit.name), "success")
            return redirect(url_for("research.mine"))
        state = "member" if queries.is_member(unit, current_user) else "join"
        return render_template("research/join.html", state=state, unit=unit, email=email, form=form)
    if existing is not None:
        # An account exists: its owner logs in and comes back here.
        return render_template("research/join.html", state="login", unit=unit, email=email, form=None,
                               login=url_for("auth.login", next=url_for("research.join", token=token)))
    form = JoinForm()
    if form.validate_on_submit():
        operations.join_with_new_account(unit, email, form.password.data, current_locale())
        db.session.commit()
        flash(_("Your account is ready and you are a member of %(unit)s. Please log in.", unit=unit.name), "success")
        return redirect(url_for("auth.login", next=url_for("research.mine")))
    return render_template("research/join.html", state="register", unit=unit, email=email,
                           form=form), (400 if form.errors else 200)


# ---- the researcher's own pages ---------------------------------------------------------------

@bp.route("/mine")
@role_required(Role.researcher)
def mine():
    """The researcher's start: their units, what each still lacks, and where to go next."""
    units = queries.units_of(current_user)
    return render_template("research/mine.html", units=units)


def _question_filters(form: QuestionFilterForm) -> tuple[str | None, tuple]:
    filters = form.valid_filters()
    kinds = queries.UNIT_OFFER_KINDS
    if filters.get("field"):
        wanted = FIELD_OF_ACTION_KINDS[FieldOfAction(filters["field"])]
        kinds = tuple(kind for kind in kinds if kind in wanted)
    return filters.get("kind"), kinds


@bp.route("/<int:unit_id>/questions")
@role_required(Role.researcher, Role.staff)
def questions(unit_id: int):
    """The companies' published questions that fit the unit, ranked, with reasons."""
    from ..matching import index

    unit = get_unit_or_404(unit_id, current_user, edit=True)
    form = QuestionFilterForm(formdata=request.args)
    kind, kinds = _question_filters(form)
    ranked = []
    if unit.is_verified and index.unit_has_content(unit) and kinds:
        candidates = queries.unit_offers(public_offers(), kind, kinds)
        ranked = index.offers_for_unit(unit, candidates, k=RANK_LIMIT)
    page = ListPage(ranked, page_arg(), current_app.config["PAGE_SIZE"])
    if page.items:
        index.explain(unit, "offers", page.items)
    return render_template("research/questions.html", unit=unit, form=form, page=page,
                           member=is_unit_member(unit, current_user), interest_form=EmptyForm(formdata=None),
                           open_pairs=queries.open_unit_pairs())


@bp.route("/<int:unit_id>/interest/<int:offer_id>", methods=["POST"])
@role_required(Role.researcher)
def interest(unit_id: int, offer_id: int):
    unit = get_unit_or_404(unit_id, current_user, member=True)
    offer = get_offer_or_404(offer_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    _refused_back_to(url_for("research.questions", unit_id=unit.id))
    introduction = brokering.unit_interest(current_user, unit, offer)
    return _done(_("The company now learns that your unit is interested. Your email address is passed on only "
                   "when the company accepts too."), introduction)


# ---- the company's side: units for a question -----------------------------------------------

@bp.route("/for-offer/<int:offer_id>")
@role_required(Role.company, Role.staff)
def units_for_offer(offer_id: int):
    """Verified units that fit a research question, ranked, with reasons from their public texts."""
    from ..matching import index

    offer = get_offer_or_404(offer_id, current_user, edit=current_user.role == Role.company)
    ranked = []
    if offer.is_public and offer.kind in queries.UNIT_OFFER_KINDS:
        candidates = list(db.session.scalars(queries.verified_units()))
        ranked = index.units_for_offer(offer, candidates, k=RANK_LIMIT)
    page = ListPage(ranked, page_arg(), current_app.config["PAGE_SIZE"])
    if page.items:
        index.explain_units(offer, page.items)
    return render_template("research/units_for_offer.html", offer=offer, page=page,
                           is_company=acts_for(current_user, offer.company_id),
                           message_form=UnitMessageForm(formdata=None), open_pairs=queries.open_unit_pairs(),
                           unit_kinds=queries.UNIT_OFFER_KINDS)


@bp.route("/<int:unit_id>/invite/<int:offer_id>", methods=["POST"])
@role_required(Role.company)
def invite_unit(unit_id: int, offer_id: int):
    offer = get_offer_or_404(offer_id, current_user, edit=True)
    unit = get_unit_or_404(unit_id, current_user)
    back = url_for("research.units_for_offer", offer_id=offer.id)
    form = UnitMessageForm()
    if not form.validate_on_submit():
        messages = [str(text) for texts in form.errors.values() for text in texts]
        return redirect_with_form_errors(form, "unit_message", back, " ".join(messages) or None)
    _refused_back_to(back)
    introduction = brokering.invite_unit(current_user, offer, unit, form.message.data or "")
    return _done(_("The research unit is invited. You see its contact data once it accepts."), introduction)


@bp.route("/<int:unit_id>/propose/<int:offer_id>", methods=["GET", "POST"])
@role_required(Role.staff)
def propose(unit_id: int, offer_id: int):
    offer = get_offer_or_404(offer_id, current_user)
    unit = get_unit_or_404(unit_id, current_user)
    form = ProposeUnitForm()
    existing = queries.open_unit_introduction(offer.id, unit.id)
    if form.validate_on_submit():
        _refused_back_to(url_for("research.units_for_offer", offer_id=offer.id))
        introduction = brokering.propose_unit_introduction(current_user, offer, unit, form.message_to_unit.data,
                                                           form.message_to_company.data)
        return _done(_("The introduction is proposed: both sides have been asked."), introduction)
    return render_template("research/propose.html", form=form, offer=offer, unit=unit,
                           existing=existing), (400 if form.errors else 200)


def _refused_back_to(back: str) -> None:
    def target(error):
        existing = getattr(error, "existing", None)
        return url_for("brokering.detail", introduction_id=existing.id) if existing is not None else back

    redirect_on_domain_error(target)


def _done(message: str, introduction):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("brokering.detail", introduction_id=introduction.id))
