"""Personal API tokens: a user's own in the account, and all of them for staff."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_token_or_404, login_required, role_required
from ..errors import redirect_on_domain_error
from ..extensions import db
from ..forms import EmptyForm
from ..models import Role
from ..pagination import page_arg
from . import operations, queries
from .forms import SCOPE_LABELS, TokenForm

bp = Blueprint("tokens", __name__)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    user = current_user._get_current_object()
    secret = None
    if form.validate_on_submit():
        redirect_on_domain_error(url_for("tokens.index"))
        _token, secret = operations.create_token(user, **form.token_fields())
        db.session.commit()
        form = TokenForm(formdata=None)
    # The secret is on this one answer only: not flashed, not in the session, never stored.
    return (render_template("tokens/index.html", form=form, tokens=queries.tokens_of(user), secret=secret,
                            scope_labels=SCOPE_LABELS, api_base=url_for("api.list_offers", _external=True)),
            (400 if form.errors else 200))


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    token = get_token_or_404(token_id, current_user)
    if token.user_id != current_user.id:
        abort(404)
    return _revoke(token, url_for("tokens.index"))


@bp.route("/staff/tokens")
@role_required(Role.staff)
def staff_index():
    page = db.paginate(queries.all_tokens(), page=page_arg(), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("tokens/staff.html", page=page, scope_labels=SCOPE_LABELS)


@bp.route("/staff/tokens/<int:token_id>/revoke", methods=["POST"])
@role_required(Role.staff)
def staff_revoke(token_id: int):
    token = get_token_or_404(token_id, current_user)
    return _revoke(token, url_for("tokens.staff_index"))


def _revoke(token, back: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    redirect_on_domain_error(back)
    operations.revoke_token(token, current_user._get_current_object())
    db.session.commit()
    flash(_("The token is revoked. Programs using it can no longer reach the API."), "success")
    return redirect(back)
