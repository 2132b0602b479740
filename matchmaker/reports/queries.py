"""The board's figures, counted from the records: every aggregate of the report lives here and returns plain data.

Periods are days in Europe/Berlin: a quarter starts at local midnight on 1 January, 1 April, 1 July and
1 October. Stored times are naive UTC, so a period is compared against its UTC bounds, computed with
zoneinfo (a quarter that spans the change to or from daylight-saving time has the right length).
Dates that are already local days (an introduction's `outcome_on`, a page view's `day`) are compared with
the period's days.

How each figure is counted (the keys are the registry `METRICS`, which the plan of measures uses too):

- `published.<kind>`: offers of that kind whose `published_at` falls in the period.
- `introduced.<kind>`: introductions about an offer of that kind whose `introduced_at` (both sides said
  yes) falls in the period. The kind is the introduction's `offer_kind`, kept after an erasure.
- `started.<kind>`: introductions about an offer of that kind whose outcome, recorded for a day in the
  period (`outcome_on`), says that something started: see `STARTED_BY_KIND` (an interview or "no fit" is
  not a start; a research project starts with the outcome "project").
- `qualification.*`: the same three, summed over internships, theses, working-student posts and trainee
  programmes.
- `workshops_held`: events of type talk/workshop that start in the period and were not cancelled.
- `hires`: introductions with the outcome "hired" recorded for a day in the period, of any kind.
- `retained.6` / `retained.12`: retention checks recorded in the period that found the graduate still
  working in the region, 6 or 12 months after the hire; shown as a share of all checks of that kind
  recorded in the period.
- `companies_active`: companies with an offer published in the period or an introduction started in it.
- `events.spremberg` / `events.dock3`: events there that start in the period and were not cancelled.
- `registrations`: places held at those events (status registered: not cancelled, not waiting).
- `attendance`: at those events, registrations marked attended plus walk-ins.
- `office_hour_contacts`: the same attendance at office hours (any place) in the period.
- `page_views.offer` / `page_views.company` / `page_views.story`: public views counted per day without
  cookies (a story's page counts for stories and news alike).
- `stories.published` / `news.published`: success stories and news first published in the period and
  still online (one taken offline, or withdrawn by a person it names, no longer counts).
- `units.verified`: research units verified by staff in the period.
- `units.introduced`: introductions between a company and a research unit whose `introduced_at` falls in
  the period (they count in `introduced.<kind>` as well).
- `units.<outcome>`: introductions to research units with that outcome (`project_started`,
  `funding_applied`, `thesis_topic_given`, `no_fit`) recorded for a day in the period. A started project
  counts in `started.research_project` as well.
- `new_registrations`: accounts of graduates, company users and researchers created in the period; by
  the `?src=` tag and by the referring site's domain in `registrations_by_source`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import (Event, EventPlace, EventRegistration, EventType, FieldOfAction, Introduction,
                      IntroductionState, Measure, MeasureChange, MeasureFigure, Offer, OfferKind, PageView,
                      PageViewKind, RegistrationStatus, ResearchUnit, RetentionCheck, Role, Story, StoryKind, StoryStatus,
                      User)

BERLIN = ZoneInfo("Europe/Berlin")

QUALIFICATION_KINDS = (OfferKind.internship, OfferKind.thesis, OfferKind.working_student, OfferKind.trainee)

# The outcomes that mean the kind of offer started: an internship as an internship (or a hire straight
# away), a thesis as a thesis, a working-student post, a trainee programme or a job as a hire, a research
# project as a project.
STARTED_BY_KIND = {
    OfferKind.internship: (IntroductionState.internship, IntroductionState.hired),
    OfferKind.thesis: (IntroductionState.thesis,),
    OfferKind.working_student: (IntroductionState.hired, IntroductionState.internship),
    OfferKind.trainee: (IntroductionState.hired,),
    OfferKind.job: (IntroductionState.hired,),
    OfferKind.research_project: (IntroductionState.project, IntroductionState.project_started),
}

# The funnel's last stage: an outcome that is an agreement.
AGREEMENT_STATES = (IntroductionState.hired, IntroductionState.internship, IntroductionState.thesis,
                    IntroductionState.project, IntroductionState.project_started)

# Outcomes only an introduction to a research unit can have: such an introduction still counts after its
# unit was removed (research_unit_id set to NULL).
UNIT_ONLY_OUTCOMES = (IntroductionState.project_started, IntroductionState.funding_applied,
                      IntroductionState.thesis_topic_given)

ON_SITE_PLACES = (EventPlace.spremberg, EventPlace.dock3)
SIGNUP_ROLES = (Role.graduate, Role.company, Role.researcher)


# ---- periods ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Days in Europe/Berlin, `start` and `end` inclusive."""

    start: date
    end: date

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[from, to) in naive UTC, as times are stored."""
        return local_midnight_utc(self.start), local_midnight_utc(self.end + timedelta(days=1))

    @property
    def quarter(self) -> tuple[int, int] | None:
        """(year, quarter) when the period is exactly one quarter."""
        year, number = quarter_of(self.start)
        return (year, number) if self == quarter_period(year, number) else None

    @property
    def label(self) -> str:
        if self.quarter:
            return f"{self.quarter[0]}-Q{self.quarter[1]}"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def local_midnight_utc(day: date) -> datetime:
    """Midnight at the start of `day` in Berlin, as naive UTC."""
    local = datetime.combine(day, time.min, tzinfo=BERLIN)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def berlin_today(now: datetime | None = None) -> date:
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(BERLIN).date()


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_period(year: int, number: int) -> Period:
    start = date(year, 3 * number - 2, 1)
    following = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(start, following - timedelta(days=1))


def last_quarters(count: int, ending: date) -> list[Period]:
    """`count` quarters, oldest first, the last one holding `ending`."""
    year, number = quarter_of(ending)
    quarters = []
    for _ in range(count):
        quarters.append(quarter_period(year, number))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return list(reversed(quarters))


def _in(column, period: Period):
    start, end = period.utc_bounds()
    return sa.and_(column >= start, column < end)


def _on_days(column, period: Period):
    return sa.and_(column >= period.start, column <= period.end)


def _count(select) -> int:
    return int(db.session.scalar(select) or 0)


# ---- the counts ---------------------------------------------------------------------------------

def offers_published(period: Period, kinds) -> int:
    return _count(sa.select(sa.func.count(Offer.id)).where(
        Offer.kind.in_(list(kinds)), Offer.published_at.is_not(None), _in(Offer.published_at, period)))


def introductions_introduced(period: Period, kinds=None) -> int:
    select = sa.select(sa.func.count(Introduction.id)).where(
        Introduction.introduced_at.is_not(None), _in(Introduction.introduced_at, period))
    if kinds is not None:
        select = select.where(Introduction.offer_kind.in_(list(kinds)))
    return _count(select)


def introductions_started(period: Period, kinds) -> int:
    """Introductions whose recorded outcome means the offer's kind started (see `STARTED_BY_KIND`)."""
    kind_matches = [sa.and_(Introduction.offer_kind == kind, Introduction.state.in_(list(STARTED_BY_KIND[kind])))
                    for kind in kinds]
    return _count(sa.select(sa.func.count(Introduction.id)).where(
        Introduction.outcome_on.is_not(None), _on_days(Introduction.outcome_on, period), sa.or_(*kind_matches)))


def introductions_made(period: Period) -> int:
    """Introductions started (by a graduate, a company or staff) in the period."""
    return _count(sa.select(sa.func.count(Introduction.id)).where(_in(Introduction.created_at, period)))


def agreements(period: Period) -> int:
    return _count(sa.select(sa.func.count(Introduction.id)).where(
        Introduction.state.in_(list(AGREEMENT_STATES)), Introduction.outcome_on.is_not(None),
        _on_days(Introduction.outcome_on, period)))


def units_verified(period: Period) -> int:
    return _count(sa.select(sa.func.count(ResearchUnit.id)).where(
        ResearchUnit.verified_at.is_not(None), _in(ResearchUnit.verified_at, period)))


def unit_introductions_introduced(period: Period) -> int:
    return _count(sa.select(sa.func.count(Introduction.id)).where(
        Introduction.research_unit_id.is_not(None), Introduction.introduced_at.is_not(None),
        _in(Introduction.introduced_at, period)))


def unit_outcomes(period: Period, state: IntroductionState) -> int:
    """Introductions to research units with the outcome `state` recorded for a day in the period. A unit
    erased since still counts: the outcome is the introduction's, not the unit's."""
    select = sa.select(sa.func.count(Introduction.id)).where(
        Introduction.state == state, Introduction.outcome_on.is_not(None), _on_days(Introduction.outcome_on, period))
    if state not in UNIT_ONLY_OUTCOMES:
        select = select.where(Introduction.research_unit_id.is_not(None))
    return _count(select)


def hires(period: Period) -> int:
    return _count(sa.select(sa.func.count(Introduction.id)).where(
        Introduction.state == IntroductionState.hired, Introduction.outcome_on.is_not(None),
        _on_days(Introduction.outcome_on, period)))


def retention(period: Period, months: int) -> tuple[int, int]:
    """(still in the region, checked): retention checks at `months` recorded in the period."""
    row = db.session.execute(sa.select(
        sa.func.count(RetentionCheck.id),
        sa.func.coalesce(sa.func.sum(sa.case((RetentionCheck.in_region.is_(True), 1), else_=0)), 0),
    ).where(RetentionCheck.months == months, _in(RetentionCheck.checked_at, period))).one()
    return int(row[1] or 0), int(row[0] or 0)


def companies_active(period: Period) -> int:
    with_offer = sa.select(Offer.company_id).where(Offer.published_at.is_not(None), _in(Offer.published_at, period))
    with_introduction = sa.select(Introduction.company_id).where(_in(Introduction.created_at, period))
    ids = sa.union(with_offer, with_introduction).subquery()
    return _count(sa.select(sa.func.count()).select_from(ids))


def _events(period: Period, places=None, types=None):
    select = sa.select(Event.id).where(Event.cancelled_at.is_(None), _in(Event.starts_at, period))
    if places is not None:
        select = select.where(Event.place.in_(list(places)))
    if types is not None:
        select = select.where(Event.type.in_(list(types)))
    return select


def events_held(period: Period, places=None, types=None) -> int:
    return _count(sa.select(sa.func.count()).select_from(_events(period, places, types).subquery()))


def registrations(period: Period, places=ON_SITE_PLACES, types=None) -> int:
    return _count(sa.select(sa.func.count(EventRegistration.id)).where(
        EventRegistration.status == RegistrationStatus.registered,
        EventRegistration.event_id.in_(_events(period, places, types))))


def attendance(period: Period, places=ON_SITE_PLACES, types=None) -> int:
    """Registrations marked attended plus walk-ins, at the events held in the period."""
    attended = _count(sa.select(sa.func.count(EventRegistration.id)).where(
        EventRegistration.attended.is_(True), EventRegistration.event_id.in_(_events(period, places, types))))
    walk_ins = _count(sa.select(sa.func.coalesce(sa.func.sum(Event.walk_ins), 0)).where(
        Event.id.in_(_events(period, places, types))))
    return attended + walk_ins


def page_views(period: Period, kind: PageViewKind) -> int:
    return _count(sa.select(sa.func.coalesce(sa.func.sum(PageView.count), 0)).where(
        PageView.kind == kind, _on_days(PageView.day, period)))


def stories_published(period: Period, kind: StoryKind | None = None) -> int:
    """Stories (and news) first published in the period that are public now: one taken offline since, or
    withdrawn by a person it named, is no longer counted."""
    select = sa.select(sa.func.count(Story.id)).where(Story.status == StoryStatus.published,
                                                      _in(Story.published_at, period))
    if kind is not None:
        select = select.where(Story.kind == kind)
    return _count(select)


def new_registrations(period: Period) -> int:
    return _count(sa.select(sa.func.count(User.id)).where(User.role.in_(list(SIGNUP_ROLES)),
                                                          _in(User.created_at, period)))


def registrations_by(period: Period, column) -> list[tuple[str | None, int]]:
    """New registrations grouped by `column` (the source tag or the referring domain), most first; None is
    a registration without one."""
    rows = db.session.execute(sa.select(column, sa.func.count(User.id)).where(
        User.role.in_(list(SIGNUP_ROLES)), _in(User.created_at, period)).group_by(column))
    return sorted(((value, int(count)) for value, count in rows), key=lambda row: (row[0] is None, -row[1], row[0] or ""))


def registrations_by_source(period: Period) -> list[tuple[str | None, int]]:
    return registrations_by(period, User.signup_source)


def registrations_by_referrer(period: Period) -> list[tuple[str | None, int]]:
    return registrations_by(period, User.signup_referrer_domain)


# ---- the registry of metrics --------------------------------------------------------------------

@dataclass(frozen=True)
class Metric:
    key: str
    label: object  # a lazy string
    field: FieldOfAction
    count: Callable[[Period], int]


_KIND_NAMES = {
    OfferKind.internship: (_l("Internships published"), _l("Internships introduced"), _l("Internships started")),
    OfferKind.thesis: (_l("Theses published"), _l("Theses introduced"), _l("Theses started")),
    OfferKind.working_student: (_l("Working-student posts published"), _l("Working-student posts introduced"),
                                _l("Working-student posts started")),
    OfferKind.trainee: (_l("Trainee programmes published"), _l("Trainee programmes introduced"),
                        _l("Trainee programmes started")),
}


def _registry() -> dict[str, Metric]:
    metrics: list[Metric] = []
    q, i, s, o, p = (FieldOfAction.qualification, FieldOfAction.innovation, FieldOfAction.structural_change,
                     FieldOfAction.on_site, FieldOfAction.public_relations)
    for kind in QUALIFICATION_KINDS:
        published, introduced, started = _KIND_NAMES[kind]
        metrics += [
            Metric(f"published.{kind.value}", published, q, lambda period, k=kind: offers_published(period, [k])),
            Metric(f"introduced.{kind.value}", introduced, q,
                   lambda period, k=kind: introductions_introduced(period, [k])),
            Metric(f"started.{kind.value}", started, q, lambda period, k=kind: introductions_started(period, [k])),
        ]
    metrics += [
        Metric("qualification.published", _l("All four kinds published"), q,
               lambda period: offers_published(period, QUALIFICATION_KINDS)),
        Metric("qualification.introduced", _l("All four kinds introduced"), q,
               lambda period: introductions_introduced(period, QUALIFICATION_KINDS)),
        Metric("qualification.started", _l("All four kinds started"), q,
               lambda period: introductions_started(period, QUALIFICATION_KINDS)),
        Metric("workshops_held", _l("Talks and workshops held"), q,
               lambda period: events_held(period, types=[EventType.talk])),
        Metric("published.research_project", _l("Research projects posted"), i,
               lambda period: offers_published(period, [OfferKind.research_project])),
        Metric("introduced.research_project", _l("Research projects introduced"), i,
               lambda period: introductions_introduced(period, [OfferKind.research_project])),
        Metric("started.research_project", _l("Research projects started"), i,
               lambda period: introductions_started(period, [OfferKind.research_project])),
        Metric("units.verified", _l("Research units verified"), i, units_verified),
        Metric("units.introduced", _l("Introductions to research units made"), i, unit_introductions_introduced),
        Metric("units.project_started", _l("Projects started with research units"), i,
               lambda period: unit_outcomes(period, IntroductionState.project_started)),
        Metric("units.funding_applied", _l("Joint funding applications with research units"), i,
               lambda period: unit_outcomes(period, IntroductionState.funding_applied)),
        Metric("units.thesis_topic_given", _l("Thesis topics given to research units"), i,
               lambda period: unit_outcomes(period, IntroductionState.thesis_topic_given)),
        Metric("units.no_fit", _l("Introductions to research units without a fit"), i,
               lambda period: unit_outcomes(period, IntroductionState.no_fit)),
        Metric("hires", _l("Hires into the park's companies"), s, hires),
        Metric("retained.6", _l("Still in the region 6 months after a hire"), s,
               lambda period: retention(period, 6)[0]),
        Metric("retained.12", _l("Still in the region 12 months after a hire"), s,
               lambda period: retention(period, 12)[0]),
        Metric("companies_active", _l("Companies active"), s, companies_active),
        Metric("events.spremberg", _l("Events in Spremberg"), o,
               lambda period: events_held(period, places=[EventPlace.spremberg])),
        Metric("events.dock3", _l("Events at Dock3"), o, lambda period: events_held(period, places=[EventPlace.dock3])),
        Metric("registrations", _l("Registrations for these events"), o, registrations),
        Metric("attendance", _l("Attendance at these events (with walk-ins)"), o, attendance),
        Metric("office_hour_contacts", _l("Office-hour contacts"), o,
               lambda period: attendance(period, places=None, types=[EventType.office_hours])),
        Metric("page_views.offer", _l("Public offer page views"), p,
               lambda period: page_views(period, PageViewKind.offer)),
        Metric("page_views.company", _l("Public company page views"), p,
               lambda period: page_views(period, PageViewKind.company)),
        Metric("stories.published", _l("Success stories published"), p,
               lambda period: stories_published(period, StoryKind.story)),
        Metric("news.published", _l("News published"), p, lambda period: stories_published(period, StoryKind.news)),
        Metric("page_views.story", _l("Story and news page views"), p,
               lambda period: page_views(period, PageViewKind.story)),
        Metric("new_registrations", _l("New registrations"), p, new_registrations),
    ]
    return {metric.key: metric for metric in metrics}


METRICS: dict[str, Metric] = _registry()


def metric_value(key: str, period: Period) -> int:
    """The figure `key` for the period; KeyError for a key the registry does not know."""
    return METRICS[key].count(period)


def metrics_of(field: FieldOfAction) -> list[Metric]:
    return [metric for metric in METRICS.values() if metric.field == field]


# ---- funnel and trends --------------------------------------------------------------------------

def funnel(period: Period) -> list[tuple[object, int]]:
    """Published offers → introductions started → introduced (both said yes) → agreements, in the period."""
    return [
        (_l("Offers published"), offers_published(period, list(OfferKind))),
        (_l("Introductions started"), introductions_made(period)),
        (_l("Introduced (both said yes)"), introductions_introduced(period)),
        (_l("Agreements (hired, internship, thesis, project)"), agreements(period)),
    ]


TREND_SERIES = (
    ("offers", _l("Offers published"), lambda period: offers_published(period, list(OfferKind))),
    ("introductions", _l("Introductions started"), introductions_made),
    ("introduced", _l("Introduced (both said yes)"), introductions_introduced),
    ("agreements", _l("Agreements"), agreements),
    ("attendance", _l("Event attendance"), lambda period: attendance(period, places=None)),
)


def trends(ending: date, count: int = 8) -> list[tuple[Period, dict[str, int]]]:
    """For each of the last `count` quarters up to the one holding `ending`: the trend series."""
    return [(quarter, {key: count_fn(quarter) for key, _label, count_fn in TREND_SERIES})
            for quarter in last_quarters(count, ending)]


# ---- regional retention -------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DueCheck:
    introduction: Introduction
    months: int
    due_on: date


def retention_due(today: date) -> list[DueCheck]:
    """Hires whose 6- or 12-month date has passed without a check, oldest due first."""
    hired = list(db.session.scalars(sa.select(Introduction).where(
        Introduction.state == IntroductionState.hired, Introduction.outcome_on.is_not(None),
        Introduction.outcome_on <= today - timedelta(days=180)).order_by(Introduction.outcome_on, Introduction.id)))
    if not hired:
        return []
    checked = {(introduction_id, months) for introduction_id, months in db.session.execute(
        sa.select(RetentionCheck.introduction_id, RetentionCheck.months).where(
            RetentionCheck.introduction_id.in_([i.id for i in hired])))}
    due = []
    for introduction in hired:
        for months in (6, 12):
            due_on = add_months(introduction.outcome_on, months)
            if due_on <= today and (introduction.id, months) not in checked:
                due.append(DueCheck(introduction, months, due_on))
    return sorted(due, key=lambda d: (d.due_on, d.introduction.id, d.months))


def retention_checks_of(introduction: Introduction) -> dict[int, RetentionCheck]:
    return {check.months: check for check in db.session.scalars(
        sa.select(RetentionCheck).where(RetentionCheck.introduction_id == introduction.id))}


# ---- the plan of measures -----------------------------------------------------------------------

def measures_select(field: FieldOfAction | None = None) -> sa.Select:
    """The plan: measures by field of action, then period and title."""
    select = sa.select(Measure)
    if field is not None:
        select = select.where(Measure.field_of_action == field)
    return select.order_by(Measure.field_of_action, Measure.period_start, Measure.title, Measure.id)


@dataclass(frozen=True)
class Progress:
    """How far a measure is: `value` towards `target`; `from_metric` when counted from the data."""

    value: float | None
    target: float
    from_metric: bool
    as_of: date | None = None

    @property
    def percent(self) -> int | None:
        if self.value is None or not self.target:
            return None
        return int(round(100 * self.value / self.target))


def measure_progress(measure: Measure) -> Progress:
    """From the metric over the measure's period, or from the newest figure staff entered."""
    if measure.metric_key:
        value = metric_value(measure.metric_key, Period(measure.period_start, measure.period_end)) \
            if measure.metric_key in METRICS else None
        return Progress(value, measure.target_value, True)
    figure = db.session.scalars(sa.select(MeasureFigure).where(MeasureFigure.measure_id == measure.id).order_by(
        MeasureFigure.as_of.desc(), MeasureFigure.id.desc())).first()
    if figure is None:
        return Progress(None, measure.target_value, False)
    return Progress(figure.value, measure.target_value, False, figure.as_of)


def measure_changes(measure: Measure) -> list[MeasureChange]:
    return list(db.session.scalars(sa.select(MeasureChange).where(MeasureChange.measure_id == measure.id).order_by(
        MeasureChange.changed_at.desc(), MeasureChange.id.desc())))


def measure_figures(measure: Measure) -> list[MeasureFigure]:
    return list(db.session.scalars(sa.select(MeasureFigure).where(MeasureFigure.measure_id == measure.id).order_by(
        MeasureFigure.as_of.desc(), MeasureFigure.id.desc())))
