"""Events of the Präsenzstelle: the public list and page with registration, the calendar files, and the staff's
management (create, edit, cancel, registrations, CSV, attendance)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_event_or_404, role_required
from ..audit import record_audit
from ..errors import on_domain_error, redirect_on_domain_error
from ..extensions import db
from ..forms import EmptyForm
from ..i18n import current_locale
from ..models import Event, RegistrationStatus, Role, utcnow
from ..offers.queries import linkable_offers
from ..pagination import paginate
from . import calendar, operations, queries
from .forms import AttendanceForm, EventFilterForm, EventForm

bp = Blueprint("events", __name__)


# ---- public -------------------------------------------------------------------------------------

@bp.route("/")
def index():
    form = EventFilterForm(formdata=request.args)
    filters = form.valid_filters()
    page = paginate(queries.filter_events(queries.upcoming_events(), filters))
    return render_template("events/index.html", form=form, page=page, filtered=bool(filters), locale=current_locale())


def _render_detail(event: Event, status: int = 200):
    registration = queries.registration_of(event, current_user)
    position = (queries.waiting_position(registration)
                if registration is not None and registration.status == RegistrationStatus.waiting else None)
    refused = operations.refusal(event, current_user)
    return render_template("events/detail.html", event=event, registration=registration, position=position,
                           refused=refused, counts=queries.counts(event), locale=current_locale(),
                           started=event.starts_at <= utcnow(), form=EmptyForm(formdata=None)), status


@bp.route("/<int:event_id>")
def detail(event_id: int):
    return _render_detail(get_event_or_404(event_id, current_user))


@bp.route("/<int:event_id>.ics")
def ics(event_id: int):
    event = get_event_or_404(event_id, current_user)
    return Response(calendar.event_calendar([event], current_locale()), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'})


@bp.route("/feed.ics")
def feed():
    return Response(calendar.event_calendar(queries.feed_events(), current_locale()), mimetype="text/calendar")


def _step(event_id: int) -> Event:
    """The event a registration button names; a refused step shows the event again with the reason."""
    event = get_event_or_404(event_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    redirect_on_domain_error(url_for("events.detail", event_id=event.id))
    return event


@bp.route("/<int:event_id>/register", methods=["POST"])
@role_required(Role.graduate, Role.company)
def register(event_id: int):
    event = _step(event_id)
    registration = operations.register(event, current_user)
    db.session.commit()
    if registration.status == RegistrationStatus.registered:
        flash(_("You are registered. We will remind you by mail the day before."), "success")
    else:
        flash(_("The event is full: you are on the waiting list. We will write to you if a place becomes free."),
              "info")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/unregister", methods=["POST"])
@role_required(Role.graduate, Role.company)
def unregister(event_id: int):
    event = _step(event_id)
    operations.cancel_registration(event, current_user)
    db.session.commit()
    flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("events.detail", event_id=event.id))


# ---- staff --------------------------------------------------------------------------------------

@bp.route("/manage")
@role_required(Role.staff)
def manage():
    when = "past" if request.args.get("when") == "past" else "upcoming"
    page = paginate(queries.staff_events(when))
    return render_template("events/manage.html", page=page, when=when, locale=current_locale(), counts=queries.counts)


def _event_form(event: Event | None) -> EventForm:
    shown = list(event.offers) if event is not None else []
    linkable = {"companies": queries.linkable_companies(),
                "find_offers": lambda ids: linkable_offers(ids, shown)}
    if event is not None:
        # What the event already shows stays choosable, also if it is no longer public.
        linkable["companies"] += [c for c in event.companies if c not in linkable["companies"]]
    if event is not None and request.method == "GET":
        return EventForm(data=EventForm.initial_data(event), **linkable)
    return EventForm(**linkable)


def _save(form: EventForm, event: Event | None):
    fields = form.event_fields(queries.companies_by_ids(form.chosen_ids("companies")))
    if event is None:
        return operations.create_event(current_user, **fields)
    return operations.update_event(event, current_user, **fields)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.staff)
def new():
    form = _event_form(None)
    if form.validate_on_submit():
        on_domain_error(lambda error, text: render_template("events/form.html", form=form, event=None))
        event = _save(form, None)
        db.session.commit()
        flash(_("The event is saved and listed."), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None), (400 if form.errors else 200)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(Role.staff)
def edit(event_id: int):
    event = get_event_or_404(event_id, current_user)
    form = _event_form(event)
    if form.validate_on_submit():
        on_domain_error(lambda error, text: render_template("events/form.html", form=form,
                                                            event=db.session.get(Event, event_id)))
        _save(form, event)
        db.session.commit()
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event), (400 if form.errors else 200)


@bp.route("/<int:event_id>/cancel", methods=["POST"])
@role_required(Role.staff)
def cancel(event_id: int):
    event = _step(event_id)
    operations.cancel_event(event, current_user)
    db.session.commit()
    flash(_("The event is cancelled; everyone registered or waiting gets a mail."), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/registrations")
@role_required(Role.staff)
def registrations(event_id: int):
    event = get_event_or_404(event_id, current_user)
    return render_template("events/registrations.html", event=event, groups=queries.registrations_by_status(event),
                           name=queries.registrant_name, locale=current_locale())


@bp.route("/<int:event_id>/registrations.csv")
@role_required(Role.staff)
def registrations_csv(event_id: int):
    event = get_event_or_404(event_id, current_user)
    record_audit(current_user, "export_registrations", obj=event)
    db.session.commit()
    return Response(queries.registrations_csv(event), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="event-{event.id}-registrations.csv"',
                             "Cache-Control": "no-store"})


def _attendance_form(event: Event) -> AttendanceForm:
    registered = queries.registrations_by_status(event)[RegistrationStatus.registered]

    def label(registration):
        name = queries.registrant_name(registration.user)
        return f"{name} <{registration.user.email}>" if name else registration.user.email

    if request.method == "GET":
        data = {"attended": [str(r.id) for r in registered if r.attended], "walk_ins": event.walk_ins}
        return AttendanceForm(data=data, registrations=registered, label=label)
    return AttendanceForm(registrations=registered, label=label)


@bp.route("/<int:event_id>/attendance", methods=["GET", "POST"])
@role_required(Role.staff)
def attendance(event_id: int):
    event = get_event_or_404(event_id, current_user)
    form = _attendance_form(event)
    not_yet = event.cancelled_at is not None or event.starts_at > utcnow()
    if not not_yet and form.validate_on_submit():
        on_domain_error(lambda error, text: render_template("events/attendance.html", form=form, event=event,
                                                            not_yet=True, locale=current_locale()))
        operations.record_attendance(event, current_user, form.attended_ids(), form.walk_ins.data)
        db.session.commit()
        flash(_("Attendance is saved."), "success")
        return redirect(url_for("events.registrations", event_id=event.id))
    status = 409 if not_yet and request.method == "POST" else (400 if form.errors else 200)
    return render_template("events/attendance.html", form=form, event=event, not_yet=not_yet,
                           locale=current_locale()), status
