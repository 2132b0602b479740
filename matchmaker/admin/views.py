"""The Präsenzstelle's staff area: company verification, members, user accounts."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_company_or_404, get_user_or_404, role_required
from ..errors import redirect_on_domain_error
from ..forms import redirect_with_form_errors, restore_form
from ..extensions import db
from ..forms import EmptyForm
from ..models import Company, Role, User
from . import operations, queries
from ..companies import operations as company_operations
from ..companies import queries as company_queries
from ..pagination import paginate
from ..security import rate_limits_per_process
from .forms import CompanyFilterForm, RejectForm, UserFilterForm

bp = Blueprint("admin", __name__)


def _valid(field, default):
    """The field's value, or the default when the user sent something we cannot use."""
    return default if field.errors else (field.data if field.data is not None else default)


@bp.route("/")
@role_required(Role.staff)
def dashboard():
    return render_template("admin/dashboard.html", counts=queries.dashboard_counts(),
                           waiting=queries.waiting_companies(), members=queries.waiting_members(),
                           rate_limits_per_process=rate_limits_per_process(current_app.config),
                           workers=current_app.config.get("WORKERS"))


@bp.route("/companies")
@role_required(Role.staff)
def companies():
    form = CompanyFilterForm(formdata=request.args)
    form.validate()
    page = paginate(queries.companies(_valid(form.state, "all"), _valid(form.q, "")))
    waiting = [company for company in page.items if company.verified_at is None and company.rejected_at is None]
    return render_template("admin/companies.html", form=form, page=page,
                           look_alikes=company_queries.look_alikes(waiting)), (400 if form.errors else 200)


def _render_company(company: Company, reject_form: RejectForm | None = None, status: int = 200):
    return render_template("admin/company.html", company=company, members=queries.company_members(company),
                           offers=queries.company_offers(company),
                           look_alikes=company_queries.look_alikes([company]).get(company.id, []),
                           reject_form=reject_form or RejectForm(formdata=None), button_form=EmptyForm()), status


def _on_refusal_show(company: Company) -> None:
    """A refused decision shows the company's page again, with the reason flashed."""
    redirect_on_domain_error(url_for("admin.company", company_id=company.id))


@bp.route("/companies/<int:company_id>")
@role_required(Role.staff)
def company(company_id: int):
    return _render_company(get_company_or_404(company_id, current_user),
                           reject_form=restore_form(RejectForm, "reject_company"))


@bp.route("/companies/<int:company_id>/verify", methods=["POST"])
@role_required(Role.staff)
def verify_company(company_id: int):
    company = get_company_or_404(company_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    _on_refusal_show(company)
    changed = operations.verify_company(company, current_user)
    db.session.commit()
    if changed:
        flash(_("%(name)s is verified; its members have been told by mail.", name=company.name), "success")
    else:
        flash(_("%(name)s was already verified.", name=company.name), "info")
    return redirect(url_for("admin.company", company_id=company.id))


@bp.route("/companies/<int:company_id>/reject", methods=["POST"])
@role_required(Role.staff)
def reject_company(company_id: int):
    company = get_company_or_404(company_id, current_user)
    form = RejectForm()
    back = url_for("admin.company", company_id=company.id, _anchor="reject-form")
    if not form.validate_on_submit():
        return redirect_with_form_errors(form, "reject_company", back)
    redirect_on_domain_error(back)
    changed = operations.reject_company(company, current_user, form.reason.data)
    db.session.commit()
    if changed:
        flash(_("%(name)s is rejected; its members have been told the reason by mail.", name=company.name),
              "success")
    else:
        flash(_("%(name)s was already rejected for this reason.", name=company.name), "info")
    return redirect(url_for("admin.company", company_id=company.id))


@bp.route("/companies/<int:company_id>/members/<int:user_id>/approve", methods=["POST"])
@role_required(Role.staff)
def approve_member(company_id: int, user_id: int):
    company = get_company_or_404(company_id, current_user)
    user = get_user_or_404(user_id, current_user)
    if user.company_id != company.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    _on_refusal_show(company)
    changed = company_operations.approve_member(company, user, current_user)
    db.session.commit()
    if changed:
        flash(_("%(email)s may now act for %(name)s.", email=user.email, name=company.name), "success")
    else:
        flash(_("%(email)s was already a member of %(name)s.", email=user.email, name=company.name), "info")
    return redirect(url_for("admin.company", company_id=company.id))


@bp.route("/users")
@role_required(Role.staff)
def users():
    form = UserFilterForm(formdata=request.args)
    form.validate()
    page = paginate(queries.users(_valid(form.q, ""), _valid(form.role, ""), _valid(form.state, "")))
    return render_template("admin/users.html", form=form, page=page), (400 if form.errors else 200)


def _render_user(user: User, status: int = 200):
    can_switch = operations.can_change_active_state(user, current_user)
    from ..auth.totp import is_locked

    return render_template("admin/user.html", user=user, can_switch=can_switch, button_form=EmptyForm(),
                           two_factor_locked=is_locked(user)), status


@bp.route("/users/<int:user_id>")
@role_required(Role.staff)
def user(user_id: int):
    return _render_user(get_user_or_404(user_id, current_user))


def _account_for_a_step(user_id: int) -> User:
    """The account a button on its page names; a refused step shows the page again with the reason."""
    user = get_user_or_404(user_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    redirect_on_domain_error(url_for("admin.user", user_id=user.id))
    return user


def _account_done(user: User, changed: bool, done: str, same: str):
    db.session.commit()
    flash(done if changed else same, "success" if changed else "info")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required(Role.staff)
def deactivate_user(user_id: int):
    user = _account_for_a_step(user_id)
    changed = operations.deactivate_user(user, current_user)
    return _account_done(user, changed, _("%(email)s is deactivated and can no longer log in.", email=user.email),
                         _("%(email)s was already deactivated.", email=user.email))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@role_required(Role.staff)
def reactivate_user(user_id: int):
    user = _account_for_a_step(user_id)
    changed = operations.reactivate_user(user, current_user)
    return _account_done(user, changed, _("%(email)s is active again and can log in.", email=user.email),
                         _("%(email)s was already active.", email=user.email))


@bp.route("/users/<int:user_id>/unlock-two-factor", methods=["POST"])
@role_required(Role.staff)
def unlock_two_factor(user_id: int):
    user = _account_for_a_step(user_id)
    changed = operations.unlock_two_factor(user, current_user)
    return _account_done(user, changed, _("The two-factor login of %(email)s is unlocked.", email=user.email),
                         _("The two-factor login of %(email)s was not locked.", email=user.email))
