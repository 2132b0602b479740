"""Alert settings, and the one-click unsubscribe link of every list mail."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import role_required
from ..errors import on_domain_error
from ..extensions import csrf, db
from . import operations
from .forms import AlertSettingsForm

bp = Blueprint("alerts", __name__)


@bp.route("/settings", methods=["GET", "POST"])
@role_required(*operations.ALERT_ROLES)
def settings():
    form = AlertSettingsForm(data={"enabled": "1" if current_user.alerts_enabled else "0"}
                             if request.method == "GET" else None)
    if form.validate_on_submit():
        operations.set_alerts(current_user, form.enabled.data == "1")
        db.session.commit()
        if current_user.alerts_enabled:
            flash(_("Weekly alerts are on. The next one comes on Monday if there is something new."), "success")
        else:
            flash(_("Weekly alerts are off."), "success")
        return redirect(url_for("alerts.settings"))
    return render_template("alerts/settings.html", form=form, ready=operations.alerts_ready(current_user)), \
        (400 if form.errors else 200)


# No CSRF token: a mail client's one-click POST (RFC 8058) cannot carry one. The signed token in the URL
# is the protection instead: it names the user and the list and cannot be guessed or forged, and all
# it can do is switch a mail off.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    on_domain_error(lambda error, text: render_template("alerts/unsubscribe_invalid.html", reason=error.reason),
                    flash_message=False)
    user, list_name = operations.read_unsubscribe_token(token)
    label = operations.LIST_LABELS[list_name]
    if request.method == "POST":
        operations.unsubscribe(user, list_name)
        db.session.commit()
        return render_template("alerts/unsubscribe_done.html", label=label)
    return render_template("alerts/unsubscribe.html", token=token, label=label,
                           subscribed=operations.is_subscribed(user, list_name))
