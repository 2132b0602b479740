"""Forms of the report: the period, the plan's measures and their figures, retention checks."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..forms import BaseForm
from ..models import FieldOfAction, MeasureStatus
from . import queries
from .tables import FIELD_TITLES

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
TITLE_MAX = 200
OWNER_MAX = 160
COMMENTS_MAX = 5000
SOURCE_MAX = 300
NUMBER_MAX = 1e9
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")

STATUS_LABELS = {
    MeasureStatus.planned: _l("Planned"),
    MeasureStatus.running: _l("Running"),
    MeasureStatus.done: _l("Done"),
    MeasureStatus.dropped: _l("Dropped"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _plausible(form, field):
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Please give a date between %(start)s and %(end)s.",
                                 start=EARLIEST.isoformat(), end=LATEST.isoformat()))


def parse_number(text: str | None) -> float | None:
    """A number as people type it (`12`, `12.5`, `12,5`); None when it is not one."""
    text = (text or "").strip().replace(",", ".")
    if not re.fullmatch(r"-?\d{1,12}(\.\d{1,4})?", text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def quarter_choices(today: date) -> list[tuple[str, str]]:
    """The current quarter and the eleven before it, newest first."""
    return [(period.label, period.label) for period in reversed(queries.last_quarters(12, today))]


class ReportFilterForm(BaseForm):
    """The report's period: a quarter, or any range of days (which wins when given). From the query string."""

    class Meta:
        csrf = False

    quarter = SelectField(_l("Quarter"), validate_choice=False)
    start = DateField(_l("From"), validators=[Optional(), _plausible],
                      invalid_value_message=_l("Please give a valid date."))
    end = DateField(_l("To (inclusive)"), validators=[Optional(), _plausible],
                    invalid_value_message=_l("Please give a valid date."))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.quarter.choices = quarter_choices(today)
        if not self.quarter.data:
            self.quarter.data = queries.quarter_period(*queries.quarter_of(today)).label

    def validate_quarter(self, field):
        match = QUARTER.match(field.data or "")
        if not match or not EARLIEST.year <= int(match.group(1)) <= LATEST.year:
            raise ValidationError(_l("Please choose a quarter such as 2026-Q2."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and (self.start.data is None) != (self.end.data is None):
            self.end.errors = list(self.end.errors) + [_l("Please give both dates of the range, or neither.")]
            ok = False
        return ok

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must not be before the start date."))

    def period(self) -> queries.Period:
        """The chosen period; call after `validate()` returned True."""
        if self.start.data and self.end.data:
            return queries.Period(self.start.data, self.end.data)
        match = QUARTER.match(self.quarter.data)
        return queries.quarter_period(int(match.group(1)), int(match.group(2)))

    def args(self) -> dict:
        """The query string that names this period, for links (CSV, print)."""
        if self.start.data and self.end.data:
            return {"start": self.start.data.isoformat(), "end": self.end.data.isoformat()}
        return {"quarter": self.quarter.data}


def _number_field(label):
    return StringField(label, filters=[_strip], validators=[InputRequired(_l("Please give a number."))])


class MeasureForm(BaseForm):
    title = StringField(_l("Title"), filters=[_strip], validators=[
        DataRequired(_l("Please give the measure a title.")),
        Length(max=TITLE_MAX, message=_l("At most %(max)d characters.", max=TITLE_MAX))])
    field_of_action = SelectField(_l("Field of action"), validate_choice=False, choices=[
        (field.value, label) for field, label in FIELD_TITLES.items()])
    owner = StringField(_l("Owner (e.g. Präsenzstelle or a company)"), filters=[_strip], validators=[
        Length(max=OWNER_MAX, message=_l("At most %(max)d characters.", max=OWNER_MAX))])
    period_start = DateField(_l("Period from"), validators=[InputRequired(_l("Please give the start.")), _plausible],
                             invalid_value_message=_l("Please give a valid date."))
    period_end = DateField(_l("Period to (inclusive)"), validators=[
        InputRequired(_l("Please give the end.")), _plausible], invalid_value_message=_l("Please give a valid date."))
    status = SelectField(_l("Status"), validate_choice=False, choices=[
        (status.value, label) for status, label in STATUS_LABELS.items()], default=MeasureStatus.planned.value)
    comments = TextAreaField(_l("Comments"), filters=[_strip], validators=[
        Length(max=COMMENTS_MAX, message=_l("At most %(max)d characters.", max=COMMENTS_MAX))])
    target_label = StringField(_l("Target figure (what is counted)"), filters=[_strip], validators=[
        DataRequired(_l("Please say what the target counts.")),
        Length(max=TITLE_MAX, message=_l("At most %(max)d characters.", max=TITLE_MAX))])
    target_value = _number_field(_l("Target value"))
    metric_key = SelectField(_l("Progress from"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.metric_key.choices = [("", _l("Figures entered by staff"))] + [
            (key, f"{FIELD_TITLES[metric.field]}: {metric.label}") for key, metric in queries.METRICS.items()]

    def validate_field_of_action(self, field):
        if field.data not in {f.value for f in FieldOfAction}:
            raise ValidationError(_l("Please choose a field of action."))

    def validate_status(self, field):
        if field.data not in {s.value for s in MeasureStatus}:
            raise ValidationError(_l("Please choose a status."))

    def validate_period_end(self, field):
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_l("The end of the period must not be before its start."))

    def validate_target_value(self, field):
        value = parse_number(field.data)
        if value is None:
            raise ValidationError(_l("Please give the target as a number, e.g. 12 or 12.5."))
        if not 0 < value <= NUMBER_MAX:
            raise ValidationError(_l("The target must be greater than 0."))

    def validate_metric_key(self, field):
        if field.data and field.data not in queries.METRICS:
            raise ValidationError(_l("This metric is not one of the report's."))

    def measure_fields(self) -> dict:
        """The validated values, as the operations take them."""
        return {"title": self.title.data, "field_of_action": FieldOfAction(self.field_of_action.data),
                "owner": self.owner.data or "", "period_start": self.period_start.data,
                "period_end": self.period_end.data, "status": MeasureStatus(self.status.data),
                "comments": self.comments.data or "", "target_label": self.target_label.data,
                "target_value": parse_number(self.target_value.data), "metric_key": self.metric_key.data or None}


class FigureForm(BaseForm):
    value = _number_field(_l("Figure"))
    as_of = DateField(_l("As of"), validators=[InputRequired(_l("Please give the date.")), _plausible],
                      invalid_value_message=_l("Please give a valid date."))
    source = StringField(_l("Source"), filters=[_strip], validators=[
        DataRequired(_l("Please say where the figure comes from.")),
        Length(max=SOURCE_MAX, message=_l("At most %(max)d characters.", max=SOURCE_MAX))])

    def validate_value(self, field):
        value = parse_number(field.data)
        if value is None:
            raise ValidationError(_l("Please give the figure as a number, e.g. 12 or 12.5."))
        if not 0 <= value <= NUMBER_MAX:
            raise ValidationError(_l("The figure must not be negative."))

    def validate_as_of(self, field):
        if field.data and field.data > date.today() + timedelta(days=1):
            raise ValidationError(_l("A figure cannot be as of a day in the future."))


class RetentionForm(BaseForm):
    months = HiddenField(validators=[InputRequired()])
    in_region = RadioField(_l("Still working in the region?"), choices=[("yes", _l("Yes")), ("no", _l("No"))],
                           validators=[InputRequired(_l("Please answer yes or no."))])

    def validate_months(self, field):
        if field.data not in ("6", "12"):
            raise ValidationError(_l("Only the checks after 6 and 12 months are recorded."))
