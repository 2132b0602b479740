"""Forms of the events feature: the staff's event form, attendance, and the public list's filters."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..catalog import (EVENT_AUDIENCE_LABELS, EVENT_PLACE_LABELS, EVENT_TYPE_LABELS, FIELD_OF_ACTION_NAMES,
                       choices)
from ..forms import BaseForm, OfferLinksField
from ..models import EventAudience, EventPlace, EventType, FieldOfAction

BERLIN = ZoneInfo("Europe/Berlin")
MAX_YEARS_AHEAD = 5
EARLIEST = datetime(2000, 1, 1)
MAX_CAPACITY = 100_000
MAX_WALK_INS = 100_000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _choice(label, pairs, *, required=None):
    """A select whose unknown values get our own message instead of a generic one."""
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(AnyOf([value for value, _label in pairs if value],
                            message=_l("Please choose one of the listed values.")))
    return SelectField(label, choices=pairs, default="", validate_choice=False, validators=validators,
                       filters=[_strip])


def berlin_to_utc(value: datetime) -> datetime:
    """A wall-clock time in Europe/Berlin as naive UTC, as times are stored."""
    return value.replace(tzinfo=BERLIN).astimezone(timezone.utc).replace(tzinfo=None)


def utc_to_berlin(value: datetime) -> datetime:
    """A stored naive UTC time as wall-clock time in Europe/Berlin (naive, for the form)."""
    return value.replace(tzinfo=timezone.utc).astimezone(BERLIN).replace(tzinfo=None)


class IdChoices:
    """Every selected value of a multi-select must be one of its choices (ids as text)."""

    def __call__(self, form, field):
        allowed = {value for value, _label in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Please choose only from the listed values."))


def _text(label, max_length):
    field = TextAreaField if max_length > 1000 else StringField
    return field(label, filters=[_strip], validators=[
        Length(max=max_length, message=_l("At most %(max)d characters.", max=max_length))])


class EventForm(BaseForm):
    type = _choice(_l("Type of event"), choices(EVENT_TYPE_LABELS, blank=_l("— choose —")),
                   required=_l("Please choose the type of event."))
    title_de = _text(_l("Title in German"), 200)
    title_en = _text(_l("Title in English"), 200)
    description_de = _text(_l("Description in German"), 20000)
    description_en = _text(_l("Description in English"), 20000)
    place = _choice(_l("Place"), choices(EVENT_PLACE_LABELS, blank=_l("— choose —")),
                    required=_l("Please choose the place."))
    venue = _text(_l("Venue or address"), 300)
    starts_at = DateTimeLocalField(_l("Start (time in Germany)"), format="%Y-%m-%dT%H:%M", validators=[
        InputRequired(_l("Please enter the start as date and time."))])
    ends_at = DateTimeLocalField(_l("End (time in Germany)"), format="%Y-%m-%dT%H:%M", validators=[
        InputRequired(_l("Please enter the end as date and time."))])
    capacity = IntegerField(_l("Places"), validators=[Optional(), NumberRange(
        min=1, max=MAX_CAPACITY, message=_l("Between %(min)d and %(max)d places; leave empty for no limit.",
                                            min=1, max=MAX_CAPACITY))])
    audience = _choice(_l("For whom"), choices(EVENT_AUDIENCE_LABELS, blank=_l("— choose —")),
                       required=_l("Please choose for whom the event is."))
    field_of_action = _choice(_l("Field of action"), choices(FIELD_OF_ACTION_NAMES, blank=_l("— choose —")),
                              required=_l("Please choose the field of action."))
    companies = SelectMultipleField(_l("Companies shown"), choices=[], validate_choice=False,
                                    validators=[IdChoices()], widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput(), render_kw={"class": "checks"})
    offers = OfferLinksField(_l("Offers shown"))

    def __init__(self, *args, companies=(), find_offers=None, **kwargs):
        """`find_offers`: ids -> {id: offer} of the offers among them the event may show."""
        super().__init__(*args, **kwargs)
        self.companies.choices = [(str(company.id), company.name) for company in companies]
        if find_offers is not None:
            self.offers.find = find_offers

    def _checked_time(self, field) -> None:
        if field.data is None:
            return
        latest = datetime.now() + timedelta(days=365 * MAX_YEARS_AHEAD)
        if field.data < EARLIEST or field.data > latest:
            raise ValidationError(_l("Please choose a date between the year 2000 and %(n)d years from now.",
                                     n=MAX_YEARS_AHEAD))

    def validate_starts_at(self, field):
        self._checked_time(field)

    def validate_ends_at(self, field):
        self._checked_time(field)
        if self.starts_at.data and not self.starts_at.errors and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_title_en(self, field):
        if not self.title_de.data and not field.data:
            raise ValidationError(_l("Please enter a title in German or English (or both)."))

    def validate_description_en(self, field):
        if not self.description_de.data and not field.data:
            raise ValidationError(_l("Please describe the event in German or English (or both)."))

    @staticmethod
    def initial_data(event) -> dict:
        return {
            "type": event.type.value, "title_de": event.title_de, "title_en": event.title_en,
            "description_de": event.description_de, "description_en": event.description_en,
            "place": event.place.value, "venue": event.venue,
            "starts_at": utc_to_berlin(event.starts_at), "ends_at": utc_to_berlin(event.ends_at),
            "capacity": event.capacity, "audience": event.audience.value,
            "field_of_action": event.field_of_action.value,
            "companies": [str(company.id) for company in event.companies],
            "offers": list(event.offers),
        }

    def event_fields(self, companies) -> dict:
        """The validated input as values for the Event's columns; `companies` are the rows the chosen ids
        name (the offers the form found itself)."""
        return {
            "type": EventType(self.type.data), "place": EventPlace(self.place.data),
            "venue": " ".join(self.venue.data.split()),
            "starts_at": berlin_to_utc(self.starts_at.data), "ends_at": berlin_to_utc(self.ends_at.data),
            "capacity": self.capacity.data, "audience": EventAudience(self.audience.data),
            "field_of_action": FieldOfAction(self.field_of_action.data),
            "title_de": " ".join(self.title_de.data.split()), "title_en": " ".join(self.title_en.data.split()),
            "description_de": self.description_de.data, "description_en": self.description_en.data,
            "companies": companies, "offers": list(self.offers.offers),
        }

    def chosen_ids(self, name: str) -> list[int]:
        return [int(value) for value in self[name].data or []]


class AttendanceForm(BaseForm):
    attended = SelectMultipleField(_l("Came"), choices=[], validate_choice=False, validators=[IdChoices()],
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                   render_kw={"class": "checks"})
    walk_ins = IntegerField(_l("Walk-ins without an account"), default=0, validators=[
        InputRequired(_l("Please enter the number of walk-ins (0 if none).")),
        NumberRange(min=0, max=MAX_WALK_INS, message=_l("Between %(min)d and %(max)d.", min=0, max=MAX_WALK_INS))])

    def __init__(self, *args, registrations=(), label=str, **kwargs):
        super().__init__(*args, **kwargs)
        self.attended.choices = [(str(r.id), label(r)) for r in registrations]

    def attended_ids(self) -> set[int]:
        return {int(value) for value in self.attended.data or []}


class EventFilterForm(BaseForm):
    """The public list's filters, read from the query string."""

    class Meta:
        csrf = False

    type = _choice(_l("Type"), choices(EVENT_TYPE_LABELS, blank=_l("All types")))
    place = _choice(_l("Place"), choices(EVENT_PLACE_LABELS, blank=_l("All places")))

    def valid_filters(self) -> dict:
        self.validate()
        return {name: self[name].data for name in ("type", "place") if not self[name].errors and self[name].data}
