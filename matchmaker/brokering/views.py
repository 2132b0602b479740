"""Brokered introductions: the three starts, the double opt-in, the staff pipeline, consents."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import (get_company_or_404, get_consent_or_404, get_introduction_or_404, get_offer_or_404,
                      get_profile_or_404, role_required)
from ..audit import record_audit, record_card_views
from ..errors import redirect_on_domain_error
from ..extensions import db
from ..forms import EmptyForm, redirect_with_form_errors, restore_form
from ..models import Introduction, IntroductionState, Role, Side
from ..pagination import page_arg, paginate
from . import operations, queries
from .forms import AnswerForm, CloseStaleForm, InviteForm, NoteForm, OutcomeForm, PipelineFilterForm, ProposeForm

bp = Blueprint("brokering", __name__)


def _refused_back_to(back: str) -> None:
    """A step that turns out not possible goes back to `back` with the reason flashed; a duplicate goes to
    the introduction that already exists."""
    def target(error):
        existing = getattr(error, "existing", None)
        return url_for("brokering.detail", introduction_id=existing.id) if existing is not None else back

    redirect_on_domain_error(target)


def _back_with_errors(introduction: Introduction, form, name: str, anchor: str, message=None):
    """A form on the introduction's page had errors: show that page again with them (redirect after POST)."""
    return redirect_with_form_errors(form, name, url_for("brokering.detail", introduction_id=introduction.id,
                                                         _anchor=anchor), message)


def _done(message: str, introduction: Introduction):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("brokering.detail", introduction_id=introduction.id))


# ---- lists for the two sides --------------------------------------------------------------------

@bp.route("/")
@role_required(Role.graduate, Role.company, Role.researcher)
def index():
    """The introductions of the graduate, of the company user's company, or of the researcher's units;
    `?waiting=1`: only those that wait for this side's answer."""
    waiting = request.args.get("waiting") == "1"
    page = paginate(queries.introductions_of(current_user, waiting=waiting))
    return render_template("brokering/index.html", page=page, side=current_user.role.value, waiting=waiting)


def _template_side(side: Side) -> str:
    """A unit's member reads an introduction as the party opposite the company, as a graduate does."""
    return "graduate" if side == Side.unit else side.value


def _render_detail(introduction: Introduction, status: int = 200, **forms):
    """The introduction as its viewer may see it: the company a pseudonymous card until both said yes."""
    side = introduction.side_of(current_user)
    reasons, conditions, notes, consents, card = [], [], [], [], None
    unit_contact = {}
    if introduction.is_with_unit:
        if side in (Side.company, Side.staff) and introduction.research_unit is not None and introduction.offer:
            reasons = _unit_reasons(introduction)
        if side == Side.staff or introduction.contacts_visible:
            unit_contact = operations.unit_contact(introduction)
    elif side == Side.company and introduction.ended_without_contact:
        card, reasons = operations.kept_card(introduction)
    elif side in (Side.company, Side.staff) and introduction.profile is not None and introduction.offer is not None:
        reasons, conditions = _reasons(introduction, side)
    if side == Side.staff:
        notes = queries.notes_on(introduction=introduction)
        consents = queries.consents_for(introduction)
    consent_preview = ""
    if side in introduction.waiting_sides():
        consent_preview = operations.consent_text(introduction, side, current_user.locale or "de")
    context = {"answer_form": AnswerForm(formdata=None), "accept_form": EmptyForm(formdata=None),
               "note_form": NoteForm(formdata=None), "outcome_form": OutcomeForm(formdata=None), **forms}
    outcome_form = context["outcome_form"]
    outcome_form.outcome.choices = [(value, label) for value, label in outcome_form.outcome.choices
                                    if IntroductionState(value) in introduction.outcome_states]
    return render_template("brokering/detail.html", intro=introduction, side=_template_side(side), reasons=reasons,
                           unit_contact=unit_contact,
                           conditions=conditions, notes=notes, consents=consents, accepted_by=queries.accepted_by(introduction), card=card,
                           consent_preview=consent_preview, **context), status


@bp.route("/<int:introduction_id>")
@role_required(Role.graduate, Role.company, Role.researcher, Role.staff)
def detail(introduction_id: int):
    introduction = get_introduction_or_404(introduction_id, current_user)
    subject = operations._subject_user(introduction)
    side = introduction.side_of(current_user)
    # Staff always see the graduate's name and email here; a company only once both have accepted.
    if subject is not None and (side == Side.staff or (side == Side.company and introduction.contacts_visible)):
        record_audit(current_user, "view_contact", subject=subject, obj=introduction)
        db.session.commit()
    # The company sees the graduate's card here, before and after the introduction is made (after an
    # end without contact, the card as it was kept, if the graduate has not revoked a consent since).
    sees_card = introduction.profile is not None and not (introduction.ended_without_contact
                                                          and introduction.card_snapshot is None)
    if side == Side.company and sees_card and record_card_views(current_user, [introduction.profile]):
        db.session.commit()
    return _render_detail(introduction, answer_form=restore_form(AnswerForm, "answer"),
                          note_form=restore_form(NoteForm, "note"),
                          outcome_form=restore_form(OutcomeForm, "outcome"))


def _unit_reasons(introduction: Introduction) -> list:
    """Why the unit fits the question: from the unit's public texts, so the company may see them."""
    from ..matching import index

    try:
        _score, reasons = index.get_matcher().explain(index.offer_document(introduction.offer),
                                                      index.unit_document(introduction.research_unit))
    except (ValueError, KeyError, LookupError):  # an empty corpus has no vocabulary to explain with
        return []
    return list(reasons or [])


def _reasons(introduction: Introduction, side: Side) -> tuple[list, list]:
    """The matcher's reasons and the conditions for this pair, shown beside the pseudonymous card:
    to a company only from what the card shows (its own words and the card field they met)."""
    from ..matching import index

    conditions = index.conditions(introduction.profile, introduction.offer)
    if side == Side.company:
        return index.card_reasons(introduction.offer, introduction.profile), conditions
    try:
        _score, reasons = index.get_matcher().explain(index.offer_document(introduction.offer),
                                                      index.profile_document(introduction.profile))
    except (ValueError, KeyError, LookupError):  # an empty corpus has no vocabulary to explain with
        return [], conditions
    return list(reasons or []), conditions


# ---- the three starts ---------------------------------------------------------------------------

@bp.route("/offers/<int:offer_id>/interest", methods=["POST"])
@role_required(Role.graduate)
def interest(offer_id: int):
    offer = get_offer_or_404(offer_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    _refused_back_to(url_for("offers.detail", offer_id=offer.id))
    introduction = operations.express_interest(current_user, offer)
    return _done(_("The company now learns that you are interested. Your name and email address are passed "
                   "on only when the company accepts too."), introduction)


@bp.route("/offers/<int:offer_id>/invite/<int:profile_id>", methods=["POST"])
@role_required(Role.company)
def invite(offer_id: int, profile_id: int):
    offer = get_offer_or_404(offer_id, current_user, edit=True)
    profile = get_profile_or_404(profile_id, current_user)
    # Back to the page of the list the form was on, at the graduate's card.
    listed = {"all": "1"} if request.args.get("all") == "1" else {}
    if page_arg() > 1:
        listed["page"] = page_arg()
    form = InviteForm()
    if not form.validate_on_submit():
        messages = [str(text) for texts in form.errors.values() for text in texts]
        back = url_for("matching.graduates_for_offer", offer_id=offer.id, _anchor=f"invite-{profile.id}", **listed)
        return redirect_with_form_errors(form, InviteForm.stash_name(offer.id, profile.id), back,
                                         " ".join(messages) or None)
    _refused_back_to(url_for("matching.graduates_for_offer", offer_id=offer.id, **listed))
    introduction = operations.invite_graduate(current_user, offer, profile, form.message_to_graduate.data or "")
    return _done(_("The graduate is invited. You see their contact data once they accept."), introduction)


@bp.route("/propose/<int:offer_id>/<int:profile_id>", methods=["GET", "POST"])
@role_required(Role.staff)
def propose(offer_id: int, profile_id: int):
    offer = get_offer_or_404(offer_id, current_user)
    profile = get_profile_or_404(profile_id, current_user)
    form = ProposeForm()
    existing = queries.open_introduction(offer.id, profile.id)
    if form.validate_on_submit():
        _refused_back_to(url_for("matching.board"))
        introduction = operations.propose_introduction(current_user, offer, profile, form.message_to_graduate.data,
                                                       form.message_to_company.data)
        return _done(_("The introduction is proposed: both sides have been asked."), introduction)
    return render_template("brokering/propose.html", form=form, offer=offer, profile=profile,
                           existing=existing), (400 if form.errors else 200)


# ---- answers ------------------------------------------------------------------------------------

@bp.route("/<int:introduction_id>/accept", methods=["POST"])
@role_required(Role.graduate, Role.company, Role.researcher)
def accept(introduction_id: int):
    introduction = get_introduction_or_404(introduction_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    _refused_back_to(url_for("brokering.detail", introduction_id=introduction_id))
    operations.accept_introduction(introduction, current_user)
    if introduction.state == IntroductionState.introduced:
        return _done(_("You have been introduced: you now see each other's contact data."), introduction)
    return _done(_("Thank you. The other side has been asked."), introduction)


@bp.route("/<int:introduction_id>/decline", methods=["POST"])
@role_required(Role.graduate, Role.company, Role.researcher)
def decline(introduction_id: int):
    return _end(introduction_id, operations.decline_introduction, _("You have declined the introduction."))


@bp.route("/<int:introduction_id>/withdraw", methods=["POST"])
@role_required(Role.graduate, Role.company, Role.researcher)
def withdraw(introduction_id: int):
    return _end(introduction_id, operations.withdraw_introduction, _("You have withdrawn from the introduction."))


def _end(introduction_id: int, step, done: str):
    """A side ends the introduction (declines or withdraws), with an optional reason for staff."""
    introduction = get_introduction_or_404(introduction_id, current_user)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _back_with_errors(introduction, form, "answer", "answer")
    _refused_back_to(url_for("brokering.detail", introduction_id=introduction_id))
    step(introduction, current_user, form.reason.data or "")
    return _done(done, introduction)


# ---- staff: outcomes, notes, pipeline, histories ------------------------------------------------

@bp.route("/<int:introduction_id>/outcome", methods=["POST"])
@role_required(Role.staff)
def outcome(introduction_id: int):
    introduction = get_introduction_or_404(introduction_id, current_user)
    form = OutcomeForm()
    if not form.validate_on_submit():
        first = next((str(texts[0]) for texts in form.errors.values() if texts), "")
        return _back_with_errors(introduction, form, "outcome", "staff",
                                 _("The outcome was not recorded: %(reason)s", reason=first))
    _refused_back_to(url_for("brokering.detail", introduction_id=introduction_id))
    operations.record_outcome(introduction, current_user, IntroductionState(form.outcome.data), form.on_date.data)
    return _done(_("The outcome is recorded."), introduction)


@bp.route("/<int:introduction_id>/notes", methods=["POST"])
@role_required(Role.staff)
def add_note(introduction_id: int):
    introduction = get_introduction_or_404(introduction_id, current_user)
    form = NoteForm()
    if not form.validate_on_submit():
        return _back_with_errors(introduction, form, "note", "staff")
    operations.add_note(current_user, form.body.data, introduction=introduction)
    db.session.commit()
    flash(_("The note is saved."), "success")
    return redirect(url_for("brokering.detail", introduction_id=introduction.id))


@bp.route("/pipeline")
@role_required(Role.staff)
def pipeline():
    form = PipelineFilterForm(formdata=request.args)
    filters = form.valid_filters()
    page = paginate(queries.pipeline_query(filters))
    return render_template("brokering/pipeline.html", form=form, page=page, counts=queries.state_counts(),
                           companies=queries.all_companies(), problems=bool(form.errors),
                           close_form=restore_form(CloseStaleForm, "close_stale"), order=queries.STATE_ORDER)


@bp.route("/pipeline/close-stale", methods=["POST"])
@role_required(Role.staff)
def close_stale():
    form = CloseStaleForm()
    if not form.validate_on_submit():
        return redirect_with_form_errors(form, "close_stale", url_for("brokering.pipeline", _anchor="close-stale-form"))
    closed = operations.close_stale(current_user, form.days.data)
    db.session.commit()
    flash(_("%(n)d introductions closed as expired.", n=len(closed)), "success")
    return redirect(url_for("brokering.pipeline", state="expired"))


@bp.route("/graduates/<int:profile_id>", methods=["GET", "POST"])
@role_required(Role.staff)
def graduate(profile_id: int):
    """A graduate's full profile for staff, with notes and every introduction; opening it is audited."""
    profile = get_profile_or_404(profile_id, current_user)
    form = NoteForm()
    if form.validate_on_submit():
        operations.add_note(current_user, form.body.data, profile=profile)
        db.session.commit()
        flash(_("The note is saved."), "success")
        return redirect(url_for("brokering.graduate", profile_id=profile.id))
    if request.method == "GET":
        record_audit(current_user, "view_profile", subject=profile.user, obj=profile)
        db.session.commit()
    page = paginate(queries.introductions_of_profile(profile))
    return render_template("brokering/graduate.html", profile=profile, notes=queries.notes_on(profile=profile),
                           note_form=form,
                           page=page), (400 if form.errors else 200)


@bp.route("/companies/<int:company_id>")
@role_required(Role.staff)
def company(company_id: int):
    """Every introduction of one company."""
    company = get_company_or_404(company_id, current_user)
    page = paginate(queries.introductions_of_company(company))
    return render_template("brokering/company.html", company=company, page=page)


# ---- a person's own consents (graduates, and researchers who answered for their unit) -----------

@bp.route("/consents")
@role_required(*operations.CONSENTING_ROLES)
def consents():
    from ..stories.queries import stories_by_consent

    page = paginate(queries.consents_of(current_user))
    return render_template("brokering/consents.html", page=page, revoke_form=EmptyForm(),
                           stories=stories_by_consent([consent.id for consent in page.items]))


@bp.route("/consents/<int:consent_id>/revoke", methods=["POST"])
@role_required(*operations.CONSENTING_ROLES)
def revoke(consent_id: int):
    consent = get_consent_or_404(consent_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    _refused_back_to(url_for("brokering.consents"))
    withdrawn = operations.revoke_consent(consent, current_user)
    db.session.commit()
    if withdrawn:
        flash(_("Your consent is revoked and the introduction is withdrawn: the company no longer sees your "
                "contact data."), "success")
    else:
        flash(_("Your consent is revoked."), "success")
    return redirect(url_for("brokering.consents"))
