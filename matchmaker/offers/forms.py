"""Forms of the offers feature: writing an offer, and the filters of the public list."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, DecimalField, EmailField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import (AnyOf, DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp,
                                ValidationError)

from ..catalog import BTU_PROGRAMMES, DEGREE_LABELS, LANGUAGE_NAMES, OFFER_KIND_LABELS, SECTOR_LABELS, choices
from ..forms import BaseForm, ListLength, split_list
from ..models import CEFR_LEVELS, LANGUAGE_LEVELS, SALARY_CURRENCIES, Degree, OfferKind, SalaryPeriod

# Dates further ahead than this are typing mistakes, not plans.
MAX_YEARS_AHEAD = 5
OFFER_LANGUAGES = tuple((code, LANGUAGE_NAMES[code]) for code in ("de", "en"))
# Pay above this per period is a typing mistake (and it keeps the cents within an integer column).
MAX_SALARY = Decimal(1_000_000)
SALARY_PERIOD_LABELS = {
    SalaryPeriod.hour: _l("per hour"),
    SalaryPeriod.month: _l("per month"),
    SalaryPeriod.year: _l("per year"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _values(pairs) -> list[str]:
    return [value for value, _label in pairs if value]


def _choice(label, pairs, *, required: str | None = None, default: str = ""):
    """A select whose unknown values get our own message instead of a generic one."""
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(AnyOf(_values(pairs), message=_l("Please choose one of the listed values.")))
    # Stripped: Optional() lets a value of only spaces through, and it must not reach Enum(...) as is.
    return SelectField(label, choices=pairs, default=default, validate_choice=False, validators=validators,
                       filters=[_strip])


def _latest_date() -> date:
    return date.today() + timedelta(days=365 * MAX_YEARS_AHEAD)


class KnownValues:
    """Every selected value of a multi-select must be one of its choices."""

    def __call__(self, form, field):
        allowed = set(_values(field.choices))
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Please choose only from the listed values."))


def to_cents(amount: Decimal | None) -> int | None:
    return None if amount is None else int((amount * 100).to_integral_value())


def from_cents(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents) / 100


class Amount:
    """A pay amount: a finite number above zero, at most MAX_SALARY, with at most two decimals."""

    def __call__(self, form, field):
        value = field.data
        if value is None:
            return
        try:
            finite = value.is_finite()
            out_of_range = not finite or value <= 0 or value > MAX_SALARY
        except (InvalidOperation, AttributeError):
            out_of_range = True
        if out_of_range:
            raise ValidationError(_l("Please enter an amount above 0 and at most %(max)s.", max="1.000.000"))
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError(_l("At most two decimal places, please."))


def _amount(label):
    return DecimalField(label, places=2, validators=[Optional(), Amount()],
                        render_kw={"inputmode": "decimal"})


class OfferForm(BaseForm):
    kind = _choice(_l("Kind of offer"), choices(OFFER_KIND_LABELS, blank=_l("— choose —")),
                   required=_l("Please choose the kind of offer."))
    title = StringField(_l("Title"), filters=[_strip], validators=[
        DataRequired(_l("Please enter a title.")),
        Length(max=160, message=_l("At most %(max)d characters.", max=160))])
    description = TextAreaField(_l("Description"), filters=[_strip], validators=[
        DataRequired(_l("Please describe the offer: tasks, team, what you offer.")),
        Length(max=20000, message=_l("At most %(max)d characters.", max=20000))])
    required_skills = StringField(_l("Required skills"), validators=[
        Length(max=4000, message=_l("At most %(max)d characters.", max=4000)), ListLength(40, 80)])
    nice_skills = StringField(_l("Nice-to-have skills"), validators=[
        Length(max=4000, message=_l("At most %(max)d characters.", max=4000)), ListLength(40, 80)])
    fields_of_study = SelectMultipleField(_l("Wanted fields of study"),
                                          choices=[(name, name) for name in BTU_PROGRAMMES],
                                          validate_choice=False, validators=[KnownValues()],
                                          widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                          render_kw={"class": "checks"})
    fields_other = StringField(_l("Other fields of study"), validators=[
        Length(max=1000, message=_l("At most %(max)d characters.", max=1000)), ListLength(10, 80)])
    degree = _choice(_l("Degree"), choices(DEGREE_LABELS, blank=_l("— any —")))
    min_german_level = _choice(_l("Minimum German level"),
                               [("", _l("— none required —"))] + [(level, level) for level in CEFR_LEVELS])
    start_date = DateField(_l("Start"), validators=[Optional()])
    duration_months = IntegerField(_l("Duration in months"), validators=[
        Optional(), NumberRange(min=1, max=120, message=_l("Between %(min)d and %(max)d months.", min=1, max=120))])
    place = StringField(_l("Place of work"), filters=[_strip], default="Industriepark Schwarze Pumpe", validators=[
        DataRequired(_l("Please enter the place of work.")),
        Length(max=160, message=_l("At most %(max)d characters.", max=160))])
    remote_share = IntegerField(_l("Remote share in percent"), default=0, validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("Between %(min)d and %(max)d percent.", min=0, max=100))])
    language = _choice(_l("Language of the offer"), list(OFFER_LANGUAGES),
                       required=_l("Please choose the language of the offer."), default="de")
    end_date = DateField(_l("Open until"), validators=[Optional()])
    salary_min = _amount(_l("Pay from"))
    salary_max = _amount(_l("Pay up to"))
    salary_currency = _choice(_l("Currency"), [(code, code) for code in SALARY_CURRENCIES], default="EUR")
    salary_period = _choice(_l("Pay period"), choices(SALARY_PERIOD_LABELS, blank=_l("— no pay given —")))
    contact_name = StringField(_l("Contact person"), filters=[_strip], validators=[
        Optional(), Length(max=120, message=_l("At most %(max)d characters.", max=120))])
    contact_role = StringField(_l("Position of the contact person"), filters=[_strip], validators=[
        Optional(), Length(max=120, message=_l("At most %(max)d characters.", max=120))])
    contact_email = EmailField(_l("Contact email (a function address)"), filters=[_strip], validators=[
        Optional(), Length(max=254, message=_l("The email address is too long.")),
        Email(message=_l("Please enter a valid email address."), check_deliverability=False)])
    contact_phone = StringField(_l("Contact phone"), filters=[_strip], validators=[
        Optional(), Length(max=40, message=_l("At most %(max)d characters.", max=40)),
        Regexp(r"^\+?[0-9 ()/.-]{3,40}$", message=_l("Digits, spaces and + ( ) / - only, please."))])

    def __init__(self, *args, original_start: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # When an offer is edited, a start date already saved may lie in the past by now.
        self.original_start = original_start

    def validate_start_date(self, field):
        if field.data is None:
            return
        if field.data < date.today() and field.data != self.original_start:
            raise ValidationError(_l("The start date must not be in the past."))
        if field.data > _latest_date():
            raise ValidationError(_l("Please choose a start date within the next %(n)d years.", n=MAX_YEARS_AHEAD))

    def validate_end_date(self, field):
        if field.data is None:
            return
        if field.data <= date.today():
            raise ValidationError(_l("The end date must be in the future."))
        if field.data > _latest_date():
            raise ValidationError(_l("Please choose an end date within the next %(n)d years.", n=MAX_YEARS_AHEAD))
        if self.start_date.data and not self.start_date.errors and field.data <= self.start_date.data:
            raise ValidationError(_l("The end date must be after the start date."))

    def validate_salary_max(self, field):
        low, high = self.salary_min.data, field.data
        if low is not None and high is not None and not self.salary_min.errors and not field.errors \
                and high < low:
            raise ValidationError(_l("The upper amount must not be below the lower one."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here: an empty select stops its own validators (Optional), and this rule is about that case.
        period = self.salary_period
        given = self.salary_min.data is not None or self.salary_max.data is not None
        if not period.errors:
            if given and not period.data:
                period.errors.append(_l("Please say whether the pay is per hour, month or year."))
            elif period.data and not given and not self.salary_min.errors and not self.salary_max.errors:
                period.errors.append(_l("Please enter at least one amount, or choose no pay period."))
        return valid and not period.errors

    @staticmethod
    def initial_data(offer) -> dict:
        """The form's values for an existing offer."""
        programmes = [name for name in offer.fields_of_study or [] if name in BTU_PROGRAMMES]
        others = [name for name in offer.fields_of_study or [] if name not in BTU_PROGRAMMES]
        return {
            "kind": offer.kind.value, "title": offer.title, "description": offer.description,
            "required_skills": ", ".join(offer.required_skills or []),
            "nice_skills": ", ".join(offer.nice_skills or []),
            "fields_of_study": programmes, "fields_other": ", ".join(others),
            "degree": offer.degree.value if offer.degree else "",
            "min_german_level": offer.min_german_level or "",
            "start_date": offer.start_date, "duration_months": offer.duration_months,
            "place": offer.place, "remote_share": offer.remote_share, "language": offer.language,
            "end_date": offer.end_date,
            "salary_min": from_cents(offer.salary_min_cents), "salary_max": from_cents(offer.salary_max_cents),
            "salary_currency": offer.salary_currency or "EUR",
            "salary_period": offer.salary_period.value if offer.salary_period else "",
            "contact_name": offer.contact_name, "contact_role": offer.contact_role,
            "contact_email": offer.contact_email, "contact_phone": offer.contact_phone,
        }

    def offer_fields(self) -> dict:
        """The validated input as values for the Offer's columns."""
        fields: list[str] = []
        for name in list(self.fields_of_study.data or []) + split_list(self.fields_other.data):
            if name.lower() not in {known.lower() for known in fields}:
                fields.append(name)
        return {
            "kind": OfferKind(self.kind.data),
            "title": " ".join(self.title.data.split()),
            "description": self.description.data,
            "required_skills": split_list(self.required_skills.data),
            "nice_skills": split_list(self.nice_skills.data),
            "fields_of_study": fields,
            "degree": Degree(self.degree.data) if self.degree.data else None,
            "min_german_level": self.min_german_level.data or None,
            "start_date": self.start_date.data,
            "duration_months": self.duration_months.data,
            "place": " ".join(self.place.data.split()),
            "remote_share": self.remote_share.data or 0,
            "language": self.language.data,
            "end_date": self.end_date.data,
            "salary_min_cents": to_cents(self.salary_min.data),
            "salary_max_cents": to_cents(self.salary_max.data),
            "salary_currency": self.salary_currency.data or "EUR",
            "salary_period": SalaryPeriod(self.salary_period.data) if self.salary_period.data else None,
            "contact_name": " ".join((self.contact_name.data or "").split()),
            "contact_role": " ".join((self.contact_role.data or "").split()),
            "contact_email": self.contact_email.data or "",
            "contact_phone": " ".join((self.contact_phone.data or "").split()),
        }


class OfferFilterForm(BaseForm):
    """The public list's filters, read from the query string so that every URL can be shared."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[_strip], validators=[
        Optional(), Length(max=100, message=_l("At most %(max)d characters.", max=100))])
    kind = _choice(_l("Kind"), choices(OFFER_KIND_LABELS, blank=_l("All kinds")))
    sector = _choice(_l("Sector"), choices(SECTOR_LABELS, blank=_l("All sectors")))
    degree = _choice(_l("My degree"), choices(DEGREE_LABELS, blank=_l("Any")))
    german = _choice(_l("My German level"),
                     [("", _l("Any"))] + [(level, level) for level in CEFR_LEVELS]
                     + [(LANGUAGE_LEVELS[-1], _l("Native speaker"))])
    remote = BooleanField(_l("Remote work possible"))
    start_by = DateField(_l("Starting on or before"), validators=[Optional()])
    salary = BooleanField(_l("Pay given"))
    pay_from = DecimalField(_l("Pay at least (EUR)"), places=2, validators=[Optional(), Amount()],
                            render_kw={"inputmode": "decimal"})
    pay_period = _choice(_l("per"), choices(SALARY_PERIOD_LABELS), default="month")

    def valid_filters(self) -> dict:
        """The filters that were understood; a value with an error is left out."""
        self.validate()
        values = {}
        for name in ("q", "kind", "sector", "degree", "german", "remote", "start_by", "salary", "pay_from"):
            field = self[name]
            if not field.errors and field.data:
                values[name] = field.data
        if "pay_from" in values:
            values["pay_period"] = self.pay_period.data if not self.pay_period.errors and self.pay_period.data \
                else SalaryPeriod.month.value
        return values
