"""What changes data for the report: the plan's measures (with their history), figures, retention checks,
and the count of public page views. Functions flush but never commit; the view commits once."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from ..audit import record_audit
from ..domain import DomainError, NotPossible
from ..extensions import db
from ..models import (RETENTION_MONTHS, Introduction, IntroductionState, Measure, MeasureChange, MeasureFigure,
                      PageView, PageViewKind, RetentionCheck, User, utcnow)
from . import queries

# ---- the plan of measures ----------------------------------------------------------------------

MEASURE_FIELDS = ("title", "field_of_action", "owner", "period_start", "period_end", "status", "comments",
                  "target_label", "target_value", "metric_key")


def as_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "value") and not isinstance(value, (int, float)):  # an enum
        return str(value.value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _check(fields: dict) -> None:
    if fields["period_end"] < fields["period_start"]:
        raise DomainError(_l("The end of the period must not be before its start."), 400)
    if fields.get("metric_key") and fields["metric_key"] not in queries.METRICS:
        raise DomainError(_l("This metric is not one of the report's."), 400)


def _log(measure: Measure, actor: User | None, field: str, old: str, new: str) -> None:
    db.session.add(MeasureChange(measure=measure, changed_by_id=getattr(actor, "id", None), changed_at=utcnow(),
                                 field=field, old_value=old, new_value=new))


def create_measure(actor: User, **fields) -> Measure:
    """A new measure of the plan; its history starts with every value it was created with."""
    _check(fields)
    measure = Measure(created_by_id=actor.id, **{name: fields[name] for name in MEASURE_FIELDS})
    db.session.add(measure)
    db.session.flush()
    _log(measure, actor, "created", "", measure.title)
    for name in MEASURE_FIELDS:
        if as_text(getattr(measure, name)):
            _log(measure, actor, name, "", as_text(getattr(measure, name)))
    db.session.flush()
    return measure


def update_measure(measure: Measure, actor: User, **fields) -> list[str]:
    """Change what differs, one history line per changed field (a status change among them); returns the
    names of the changed fields."""
    _check(fields)
    changed = []
    for name in MEASURE_FIELDS:
        old, new = getattr(measure, name), fields[name]
        if as_text(old) != as_text(new):
            setattr(measure, name, new)
            _log(measure, actor, name, as_text(old), as_text(new))
            changed.append(name)
    if changed:
        measure.updated_at = utcnow()
    db.session.flush()
    return changed


def add_figure(measure: Measure, actor: User, value: float, as_of: date, source: str) -> MeasureFigure:
    """A figure staff entered towards the measure's target; kept in the history too."""
    if measure.metric_key:
        raise NotPossible(_l("This measure's progress is counted from the report's data; figures cannot be entered."))
    figure = MeasureFigure(measure=measure, value=value, as_of=as_of, source=source, entered_by_id=actor.id)
    db.session.add(figure)
    _log(measure, actor, "figure", "", f"{as_text(value)} ({as_of.isoformat()}; {source})")
    db.session.flush()
    return figure


# ---- regional retention -------------------------------------------------------------------------

def record_retention(introduction: Introduction, actor: User, months: int, in_region: bool,
                     today: date | None = None) -> RetentionCheck:
    """Staff note whether the graduate of a hire still works in the region, 6 or 12 months after it."""
    today = today or queries.berlin_today()
    if months not in RETENTION_MONTHS:
        raise DomainError(_l("Only the checks after 6 and 12 months are recorded."), 400)
    if introduction.state != IntroductionState.hired or introduction.outcome_on is None:
        raise NotPossible(_l("Only a hire is checked for staying in the region."))
    if queries.add_months(introduction.outcome_on, months) > today:
        raise NotPossible(_l("This check is not due yet."))
    if months in queries.retention_checks_of(introduction):
        raise NotPossible(_l("This check has already been recorded."))
    check = RetentionCheck(introduction_id=introduction.id, months=months, in_region=in_region,
                           checked_at=utcnow(), checked_by_id=actor.id)
    db.session.add(check)
    subject = introduction.profile.user if introduction.profile is not None else None
    record_audit(actor, "retention_check", subject=subject, obj=introduction,
                 detail=f"{months} months: {'in' if in_region else 'not in'} the region")
    db.session.flush()
    return check


# ---- public page views --------------------------------------------------------------------------

def count_page_view(kind: PageViewKind, object_id: int, day: date | None = None) -> None:
    """One more view of the page today (Europe/Berlin): one row per day and page, raised in place, so that
    two visitors at once both count. Nothing about the visitor is kept."""
    day = day or queries.berlin_today()
    values = {"day": day, "kind": kind.value, "object_id": object_id, "count": 1}
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(PageView.__table__).values(**values)
    statement = insert.on_conflict_do_update(index_elements=["day", "kind", "object_id"],
                                             set_={"count": PageView.__table__.c.count + 1})
    db.session.execute(statement)


# ---- where a registration came from -------------------------------------------------------------

SOURCE_MAX = 40
DOMAIN_MAX = 100
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9\-]*[a-z0-9])?$")


def clean_source(value: str | None) -> str | None:
    """A `?src=` tag as the report groups it: lower-case letters, digits, `_ . -`, at most 40; else None."""
    value = (value or "").strip().lower()[:SOURCE_MAX]
    return value if value and _SOURCE.match(value) else None


def referrer_domain(referrer: str | None, own_host: str | None = None) -> str | None:
    """The domain of the site that linked here, lower-case and without `www.`; None for our own site, a
    missing or malformed referrer. Never the path or query: they may carry personal data."""
    try:
        host = urlsplit(referrer or "").hostname
    except ValueError:
        return None
    if not host:
        return None
    try:
        host = host.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError:
        return None
    if host.startswith("www."):
        host = host[4:]
    own = (own_host or "").split(":")[0].lower()
    if own.startswith("www."):
        own = own[4:]
    if not host or host == own or len(host) > DOMAIN_MAX or "." not in host:
        return None
    if not all(_LABEL.match(label) for label in host.split(".")):
        return None
    return host


def clean_domain(value: str | None) -> str | None:
    """A domain carried through the registration form, checked again (the form is the visitor's)."""
    value = (value or "").strip().lower()
    if not value or len(value) > DOMAIN_MAX or "." not in value:
        return None
    return value if all(_LABEL.match(label) for label in value.split(".")) else None


def record_signup_origin(user: User, source: str | None, domain: str | None) -> None:
    user.signup_source = clean_source(source)
    user.signup_referrer_domain = clean_domain(domain)
