"""Who looked at my data (graduates), and the audit log with its CSV export (staff)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_login import current_user

from ..access import role_required
from ..audit import record_audit
from ..extensions import db
from ..models import Role
from ..pagination import page_arg
from . import queries
from .forms import AuditFilterForm

bp = Blueprint("privacy", __name__)


@bp.route("/me/privacy/log")
@role_required(Role.graduate)
def log():
    page = db.paginate(queries.entries_about(current_user), page=page_arg(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("privacy/log.html", page=page, who=queries.who_label, what=queries.action_label)


@bp.route("/staff/audit")
@role_required(Role.staff)
def audit():
    form = AuditFilterForm(formdata=request.args)
    if not form.validate():
        return render_template("privacy/audit.html", form=form, page=None), 400
    page = db.paginate(queries.audit_query(form.start.data, form.end.data), page=page_arg(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("privacy/audit.html", form=form, page=page)


@bp.route("/staff/audit/export.csv")
@role_required(Role.staff)
def audit_export():
    form = AuditFilterForm(formdata=request.args)
    if not form.validate():
        return render_template("privacy/audit.html", form=form, page=None), 400
    start, end = form.start.data, form.end.data
    record_audit(current_user, "export_audit",
                 detail=f"from {start.isoformat() if start else '-'} to {end.isoformat() if end else '-'}")
    db.session.commit()
    name = f"audit-{start.isoformat() if start else 'start'}-{end.isoformat() if end else 'today'}.csv"
    rows = queries.audit_csv(db.session, start, end)
    return Response(stream_with_context(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
