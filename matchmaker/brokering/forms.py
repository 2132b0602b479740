"""Forms of brokered introductions: answers, staff proposals, outcomes, notes, pipeline filters."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..catalog import FIELD_OF_ACTION_NAMES, INTRODUCTION_STATE_LABELS, OFFER_KIND_LABELS, choices
from ..forms import BaseForm
from ..models import OUTCOME_STATES

MESSAGE_MAX = 2000
REASON_MAX = 1000
NOTE_MAX = 4000
MAX_DAYS = 3650


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AnswerForm(BaseForm):
    """Decline or withdraw, with a reason that only the Präsenzstelle reads."""

    reason = TextAreaField(_l("Reason (optional, only the Präsenzstelle reads it)"), filters=[_strip], validators=[
        Length(max=REASON_MAX, message=_l("At most %(max)d characters.", max=REASON_MAX))])


class InviteForm(BaseForm):
    """A company's invitation, with an optional personal message to the graduate."""
    message_to_graduate = TextAreaField(_l("Personal message to the graduate (optional)"), filters=[_strip],
                                        validators=[Optional(), Length(max=MESSAGE_MAX, message=_l(
                                            "At most %(max)d characters.", max=MESSAGE_MAX))])

    @staticmethod
    def stash_name(offer_id: int, profile_id: int) -> str:
        """The name a refused invitation's input is kept under (restore_form): one per offer and graduate."""
        return f"invite-{offer_id}-{profile_id}"


class ProposeForm(BaseForm):
    message_to_graduate = TextAreaField(_l("Personal message to the graduate"), filters=[_strip], validators=[
        DataRequired(_l("Please write a short message.")),
        Length(max=MESSAGE_MAX, message=_l("At most %(max)d characters.", max=MESSAGE_MAX))])
    message_to_company = TextAreaField(_l("Personal message to the company"), filters=[_strip], validators=[
        DataRequired(_l("Please write a short message.")),
        Length(max=MESSAGE_MAX, message=_l("At most %(max)d characters.", max=MESSAGE_MAX))])


def today_in_berlin() -> date:
    """Today's date where the Präsenzstelle works (a late evening in Cottbus is still today there)."""
    return datetime.now(ZoneInfo("Europe/Berlin")).date()


class OutcomeForm(BaseForm):
    outcome = SelectField(_l("Outcome"), choices=[
        (state.value, label) for state, label in INTRODUCTION_STATE_LABELS.items() if state in OUTCOME_STATES],
        validators=[InputRequired(_l("Please choose the outcome."))],
        validate_choice=False)
    on_date = DateField(_l("Date of the outcome"), default=today_in_berlin,
                        validators=[InputRequired(_l("Please give the date of the outcome."))],
                        invalid_value_message=_l("Please give the date of the outcome as a valid date."))

    def validate_outcome(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Please choose the outcome from the list."))

    def validate_on_date(self, field):
        # An outcome may be agreed ahead (a start next month), but not years away.
        if field.data and not (date(2000, 1, 1) <= field.data <= today_in_berlin() + timedelta(days=366)):
            raise ValidationError(_l("Please give a date of the outcome within the next year or in the past."))


class NoteForm(BaseForm):
    body = TextAreaField(_l("Note"), filters=[_strip], validators=[
        DataRequired(_l("Please write a note.")),
        Length(max=NOTE_MAX, message=_l("At most %(max)d characters.", max=NOTE_MAX))])


class CloseStaleForm(BaseForm):
    days = IntegerField(_l("Waiting longer than (days)"), default=30, validators=[
        InputRequired(_l("Please give a number of days.")),
        NumberRange(min=1, max=MAX_DAYS, message=_l("Between %(min)d and %(max)d days.", min=1, max=MAX_DAYS))])


class PipelineFilterForm(BaseForm):
    """Filters read from the query string: no CSRF token, nothing changes."""

    class Meta:
        csrf = False

    state = SelectField(_l("State"), choices=choices(INTRODUCTION_STATE_LABELS, _l("All open")) + [
        ("all", _l("All"))], default="")
    kind = SelectField(_l("Kind"), choices=choices(OFFER_KIND_LABELS, _l("All kinds")), default="")
    field = SelectField(_l("Field of action"), choices=choices(FIELD_OF_ACTION_NAMES, _l("All fields")), default="")
    company = IntegerField(_l("Company"), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    older = IntegerField(_l("Older than (days)"), validators=[
        Optional(), NumberRange(min=0, max=MAX_DAYS, message=_l("Between %(min)d and %(max)d days.",
                                                                  min=0, max=MAX_DAYS))])

    def valid_filters(self) -> dict:
        """The filters that make sense; a value not understood is left out (and shown as an error)."""
        self.validate()
        values = {}
        for name in ("state", "kind", "field", "company", "older"):
            field = self[name]
            if not field.errors and field.data not in (None, ""):
                values[name] = field.data
        return values
