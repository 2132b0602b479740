"""The board's report (board members and staff read it), its CSV export, regional retention checks (staff)
and the plan of measures (staff edit, board members read)."""

from __future__ import annotations

import csv
import io
import logging

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..access import get_hire_or_404, get_measure_or_404, role_required
from ..errors import on_domain_error, redirect_on_domain_error
from ..forms import redirect_with_form_errors, restore_form
from ..extensions import db
from ..models import Role
from ..pagination import ListPage, page_arg
from ..privacy.queries import safe_cell
from . import operations, queries, tables
from .charts import bar_chart
from .forms import STATUS_LABELS, FigureForm, MeasureForm, ReportFilterForm, RetentionForm, parse_number

bp = Blueprint("report", __name__)
log = logging.getLogger("matchmaker.reports")

READERS = (Role.board, Role.staff)


def count_public_view(kind, object_id: int) -> None:
    """Count one public view of an offer's or a company's page (no cookie, nothing about the visitor).
    A count that cannot be written is given up: the page still shows."""
    try:
        operations.count_page_view(kind, object_id)
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("page view of %s %s not counted: %s", kind.value, object_id, type(error).__name__)


def _filter_form() -> ReportFilterForm:
    return ReportFilterForm(formdata=request.args, today=queries.berlin_today())


def _charts(report: dict[str, tables.Table]) -> dict:
    """The funnel and one chart per trend series, drawn from the tables' shown counts."""
    funnel = report["funnel"]
    charts = {"funnel": (funnel.title, bar_chart("chart-funnel", funnel.title, [row[0] for row in funnel.rows],
                                                 [counts[0] for counts in funnel.counts]))}
    trends = report["trends"]
    quarters = [row[0] for row in trends.rows]
    charts["trends"] = [
        (title, bar_chart(f"chart-trend-{index}", f"{title} ({trends.title})", quarters,
                          [counts[index] for counts in trends.counts]))
        for index, title in enumerate(trends.columns[1:])]
    return charts


@bp.route("/")
@role_required(*READERS)
def index():
    form = _filter_form()
    if not form.validate():
        return render_template("reports/index.html", form=form, report=None), 400
    period = form.period()
    report = tables.report(period)
    return render_template("reports/index.html", form=form, report=report, period=period, charts=_charts(report),
                           field_tables=[report[key] for key in tables.TABLE_KEYS[:5]], csv_args=form.args())


@bp.route("/<table>.csv")
@role_required(*READERS)
def table_csv(table: str):
    """One table of the report as CSV, for the same period and with the same cells as the page."""
    if table not in tables.TABLE_KEYS:
        abort(404)
    form = _filter_form()
    if not form.validate():
        return render_template("reports/index.html", form=form, report=None), 400
    period = form.period()
    shown = tables.build(table, period)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in shown.columns])
    for row in shown.rows:
        writer.writerow([safe_cell(cell) for cell in row])
    name = f"report-{table}-{period.label.replace(' – ', '_')}.csv"
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


# ---- regional retention -------------------------------------------------------------------------

def _render_retention(status: int = 200):
    due = ListPage(queries.retention_due(queries.berlin_today()), page_arg(), current_app.config["PAGE_SIZE"])
    return render_template("reports/retention.html", page=due), status


@bp.route("/retention")
@role_required(Role.staff)
def retention():
    return _render_retention()


@bp.route("/retention/<int:introduction_id>", methods=["POST"])
@role_required(Role.staff)
def record_retention(introduction_id: int):
    introduction = get_hire_or_404(introduction_id, current_user)
    form = RetentionForm()
    if not form.validate_on_submit():
        for message in form.months.errors or form.in_region.errors or [_("Please try again.")]:
            flash(str(message), "error")
        return redirect(url_for("report.retention"), 303)
    redirect_on_domain_error(url_for("report.retention"))
    operations.record_retention(introduction, current_user, int(form.months.data), form.in_region.data == "yes")
    db.session.commit()
    flash(_("The check is recorded."), "success")
    return redirect(url_for("report.retention"))


# ---- the plan of measures -----------------------------------------------------------------------

@bp.route("/plan")
@role_required(*READERS)
def plan():
    page = db.paginate(queries.measures_select(), page=page_arg(), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    progress = {measure.id: tables.progress_text(queries.measure_progress(measure)) for measure in page.items}
    return render_template("reports/plan.html", page=page, progress=progress, status_labels=STATUS_LABELS,
                           field_titles=tables.FIELD_TITLES)


@bp.route("/plan/new", methods=["GET", "POST"])
@role_required(Role.staff)
def new_measure():
    form = MeasureForm()
    if form.validate_on_submit():
        on_domain_error(lambda error, text: render_template("reports/measure_form.html", form=form, measure=None),
                        flash_message=True)
        measure = operations.create_measure(current_user, **form.measure_fields())
        db.session.commit()
        flash(_("The measure is added to the plan."), "success")
        return redirect(url_for("report.measure", measure_id=measure.id))
    return render_template("reports/measure_form.html", form=form, measure=None), (400 if form.errors else 200)


def _render_measure(measure, figure_form=None, status: int = 200):
    progress = queries.measure_progress(measure)
    return render_template("reports/measure.html", measure=measure, progress=tables.progress_text(progress),
                           as_of=progress.as_of, changes=queries.measure_changes(measure),
                           figures=queries.measure_figures(measure), status_labels=STATUS_LABELS,
                           metric=queries.METRICS.get(measure.metric_key or ""),
                           figure_form=figure_form or FigureForm(formdata=None), field_titles=tables.FIELD_TITLES,
                           number=tables.number), status


@bp.route("/plan/<int:measure_id>")
@role_required(*READERS)
def measure(measure_id: int):
    return _render_measure(get_measure_or_404(measure_id, current_user),
                           figure_form=restore_form(FigureForm, "figure"))


@bp.route("/plan/<int:measure_id>/edit", methods=["GET", "POST"])
@role_required(Role.staff)
def edit_measure(measure_id: int):
    measure = get_measure_or_404(measure_id, current_user)
    if request.method == "GET":
        form = MeasureForm(formdata=None, data={
            "title": measure.title, "field_of_action": measure.field_of_action.value, "owner": measure.owner,
            "period_start": measure.period_start, "period_end": measure.period_end,
            "status": measure.status.value, "comments": measure.comments, "target_label": measure.target_label,
            "target_value": operations.as_text(measure.target_value), "metric_key": measure.metric_key or ""})
    else:
        form = MeasureForm()
    if form.validate_on_submit():
        on_domain_error(lambda error, text: render_template("reports/measure_form.html", form=form,
                                                            measure=measure))
        changed = operations.update_measure(measure, current_user, **form.measure_fields())
        db.session.commit()
        flash(_("The measure is saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("report.measure", measure_id=measure.id))
    return render_template("reports/measure_form.html", form=form, measure=measure), (400 if form.errors else 200)


@bp.route("/plan/<int:measure_id>/figures", methods=["POST"])
@role_required(Role.staff)
def add_figure(measure_id: int):
    measure = get_measure_or_404(measure_id, current_user)
    form = FigureForm()
    if not form.validate_on_submit():
        return redirect_with_form_errors(form, "figure", url_for("report.measure", measure_id=measure.id,
                                                                 _anchor="figure-form"))
    redirect_on_domain_error(url_for("report.measure", measure_id=measure.id))
    operations.add_figure(measure, current_user, parse_number(form.value.data), form.as_of.data, form.source.data)
    db.session.commit()
    flash(_("The figure is recorded."), "success")
    return redirect(url_for("report.measure", measure_id=measure.id))
