"""What goes into and out of the API, as marshmallow schemas; the OpenAPI document is made from them."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from ..models import (CEFR_LEVELS, LANGUAGE_LEVELS, SALARY_CURRENCIES, Degree, Faculty, OfferKind, OfferStatus,
                      SalaryPeriod, Sector, SizeBand, UnitKind)

KINDS = [kind.value for kind in OfferKind]
DEGREES = [degree.value for degree in Degree]
SECTORS = [sector.value for sector in Sector]
PERIODS = [period.value for period in SalaryPeriod]
FACULTIES = [faculty.value for faculty in Faculty]
# The highest amount the offer form takes (its MAX_SALARY), per period.
MAX_AMOUNT = 1_000_000


class CompanyRef(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)


class SalaryOut(Schema):
    """The offer's pay range, in units of its currency (not cents), per period."""

    min = fields.Float(required=True, allow_none=True, metadata={"description": "Lowest pay; null: only an upper amount."})
    max = fields.Float(required=True, allow_none=True, metadata={"description": "Highest pay; null: only a lower amount."})
    currency = fields.Str(required=True, validate=validate.OneOf(list(SALARY_CURRENCIES)))
    period = fields.Str(required=True, validate=validate.OneOf(PERIODS))


class ContactOut(Schema):
    """The offer's contact person, as its page shows it."""

    name = fields.Str(required=True, metadata={"description": "Empty when the offer names no one."})
    role = fields.Str(required=True)
    email = fields.Str(required=True, allow_none=True,
                       metadata={"description": "Empty when not given; null when the reader may not see it "
                                                "(shown on public offers, and to the offer's own company)."})
    phone = fields.Str(required=True, allow_none=True, metadata={"description": "As email."})


class OfferOut(Schema):
    """An offer as its page shows it."""

    id = fields.Int(required=True)
    url = fields.Str(required=True, metadata={"description": "The offer's page."})
    kind = fields.Str(required=True, validate=validate.OneOf(KINDS))
    status = fields.Str(required=True, validate=validate.OneOf([s.value for s in OfferStatus]),
                        metadata={"description": "Effective status: a published offer past its expiry is expired."})
    title = fields.Str(required=True)
    description = fields.Str(required=True)
    required_skills = fields.List(fields.Str(), required=True)
    nice_skills = fields.List(fields.Str(), required=True)
    fields_of_study = fields.List(fields.Str(), required=True)
    degree = fields.Str(required=True, allow_none=True)
    min_german_level = fields.Str(required=True, allow_none=True)
    start_date = fields.Date(required=True, allow_none=True)
    duration_months = fields.Int(required=True, allow_none=True)
    place = fields.Str(required=True)
    remote_share = fields.Int(required=True, metadata={"description": "Percent of working time."})
    language = fields.Str(required=True)
    end_date = fields.Date(required=True, allow_none=True)
    published_at = fields.AwareDateTime(required=True, allow_none=True)
    expires_at = fields.AwareDateTime(required=True, allow_none=True)
    company = fields.Nested(CompanyRef, required=True)
    salary = fields.Nested(SalaryOut, required=True, allow_none=True,
                           metadata={"description": "Null when the offer gives no pay."})
    contact = fields.Nested(ContactOut, required=True)


class OfferPage(Schema):
    items = fields.List(fields.Nested(OfferOut), required=True)
    next_cursor = fields.Str(required=True, allow_none=True,
                             metadata={"description": "Pass as `cursor` for the next page; null on the last."})


class CompanyOut(Schema):
    id = fields.Int(required=True)
    url = fields.Str(required=True)
    name = fields.Str(required=True)
    sector = fields.Str(required=True, validate=validate.OneOf(SECTORS))
    size_band = fields.Str(required=True, allow_none=True, validate=validate.OneOf([b.value for b in SizeBand]))
    site = fields.Str(required=True)
    about = fields.Str(required=True)
    website = fields.Str(required=True)


class CompanyPage(Schema):
    items = fields.List(fields.Nested(CompanyOut), required=True)
    next_cursor = fields.Str(required=True, allow_none=True)


class ReasonOut(Schema):
    """One shared word behind a fit and the share of the score it carries."""

    term = fields.Str(required=True, metadata={"description": "The asker's own word: the offer's for a company, "
                                                              "the profile's for a graduate."})
    offer_term = fields.Str(metadata={"description": "For a graduate: the offer's word it met."})
    share = fields.Float(required=True, validate=validate.Range(min=0))
    card_field = fields.Str(metadata={"description": "For a company: the card field the word met "
                                                     "(skills, field_of_study, headline)."})


class ConditionOut(Schema):
    name = fields.Str(required=True, validate=validate.OneOf(["kind", "german", "degree", "start"]))
    held = fields.Bool(required=True)


class LanguageOut(Schema):
    language = fields.Str(required=True, allow_none=True)
    level = fields.Str(required=True, allow_none=True)


class CardOut(Schema):
    """The pseudonymous card: all a company learns of a graduate before an accepted introduction."""

    pseudonym = fields.Str(required=True)
    headline = fields.Str(required=True)
    field_of_study = fields.Str(required=True)
    degree = fields.Str(required=True, allow_none=True)
    graduation_date = fields.Date(required=True, allow_none=True)
    wanted_kinds = fields.List(fields.Str(), required=True)
    earliest_start = fields.Date(required=True, allow_none=True)
    places = fields.Str(required=True)
    languages = fields.List(fields.Nested(LanguageOut), required=True)
    skills = fields.List(fields.Str(), required=True)


class GraduateFit(Schema):
    card = fields.Nested(CardOut, required=True)
    score = fields.Float(required=True)
    fit = fields.Str(required=True, validate=validate.OneOf(["very_good", "good", "partial"]))
    reasons = fields.List(fields.Nested(ReasonOut), required=True)
    conditions = fields.List(fields.Nested(ConditionOut), required=True)


class GraduateFitPage(Schema):
    items = fields.List(fields.Nested(GraduateFit), required=True)
    next_cursor = fields.Str(required=True, allow_none=True)


class OfferFit(Schema):
    offer = fields.Nested(OfferOut, required=True)
    score = fields.Float(required=True)
    fit = fields.Str(required=True, validate=validate.OneOf(["very_good", "good", "partial"]))
    reasons = fields.List(fields.Nested(ReasonOut), required=True)
    conditions = fields.List(fields.Nested(ConditionOut), required=True)


class OfferFitPage(Schema):
    items = fields.List(fields.Nested(OfferFit), required=True)
    next_cursor = fields.Str(required=True, allow_none=True)


class Problem(Schema):
    """An error (RFC 9457), in the request's language (Accept-Language: de or en)."""

    type = fields.Str(required=True)
    title = fields.Str(required=True)
    status = fields.Int(required=True)
    detail = fields.Str(required=True)
    errors = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()),
                         metadata={"description": "Messages per input field."})
    error_id = fields.Str()


class UnitOut(Schema):
    """A verified research unit as its page shows it."""

    id = fields.Int(required=True)
    url = fields.Str(required=True, metadata={"description": "The unit's page."})
    name = fields.Str(required=True)
    faculty = fields.Str(required=True, validate=validate.OneOf(FACULTIES))
    kind = fields.Str(required=True, validate=validate.OneOf([kind.value for kind in UnitKind]))
    head = fields.Str(required=True)
    contact_email = fields.Str(required=True)
    website = fields.Str(required=True, metadata={"description": "An http(s) address, or empty."})
    expertise = fields.Str(required=True)
    methods = fields.Str(required=True)
    equipment = fields.Str(required=True)
    topics = fields.List(fields.Str(), required=True)
    verified_at = fields.AwareDateTime(required=True)


class UnitPage(Schema):
    items = fields.List(fields.Nested(UnitOut), required=True)
    next_cursor = fields.Str(required=True, allow_none=True)


def _skills():
    return fields.List(fields.Str(validate=validate.Length(min=1, max=80)), validate=validate.Length(max=40))


class Amount(fields.Decimal):
    """A pay amount as a JSON number only (the text "12.50" or a boolean is a mistake, not an amount), above 0
    and at most MAX_AMOUNT. The range is checked here, not by validate.Range, so that the document states it
    as plain numbers."""

    def __init__(self, **kwargs):
        metadata = {"exclusiveMinimum": 0, "maximum": MAX_AMOUNT, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        amount = super()._deserialize(value, attr, data, **kwargs)
        if not 0 < amount <= MAX_AMOUNT:
            raise ValidationError("Out of range.")
        return amount


class SalaryIn(Schema):
    """A pay range: at least one amount and the period; replaces the offer's whole pay range."""

    class Meta:
        unknown = RAISE

    min = Amount(allow_none=True, metadata={"description": "In currency units, at most two decimals."})
    max = Amount(allow_none=True, metadata={"description": "Not below min."})
    currency = fields.Str(validate=validate.OneOf(list(SALARY_CURRENCIES)), metadata={"description": "EUR if not given."})
    period = fields.Str(required=True, validate=validate.OneOf(PERIODS))


class ContactIn(Schema):
    """The contact person; replaces the offer's whole contact (fields not given become empty)."""

    class Meta:
        unknown = RAISE

    name = fields.Str(validate=validate.Length(max=120))
    role = fields.Str(validate=validate.Length(max=120))
    email = fields.Str(validate=validate.Length(max=254), metadata={"description": "A function address, please."})
    phone = fields.Str(validate=validate.Length(max=40), metadata={"description": "Digits, spaces and + ( ) / - only."})


class OfferIn(Schema):
    """An offer as its author writes it; the same rules as the offer form apply."""

    class Meta:
        unknown = RAISE

    kind = fields.Str(required=True, validate=validate.OneOf(KINDS))
    title = fields.Str(required=True, validate=validate.Length(min=1, max=160))
    description = fields.Str(required=True, validate=validate.Length(min=1, max=20000))
    required_skills = _skills()
    nice_skills = _skills()
    fields_of_study = fields.List(fields.Str(validate=validate.Length(min=1, max=80)),
                                  validate=validate.Length(max=60),
                                  metadata={"description": "BTU programmes by name, or other fields (at most 10)."})
    degree = fields.Str(allow_none=True, validate=validate.OneOf(DEGREES))
    min_german_level = fields.Str(allow_none=True, validate=validate.OneOf(list(CEFR_LEVELS)))
    start_date = fields.Date(allow_none=True, metadata={"description": "Not in the past, at most 5 years ahead."})
    duration_months = fields.Int(allow_none=True, validate=validate.Range(min=1, max=120))
    place = fields.Str(validate=validate.Length(min=1, max=160),
                       metadata={"description": "New offers: Industriepark Schwarze Pumpe if not given."})
    remote_share = fields.Int(validate=validate.Range(min=0, max=100), metadata={"description": "Percent; 0 if not given."})
    language = fields.Str(validate=validate.OneOf(["de", "en"]),
                          metadata={"description": "The offer's language; new offers: de if not given."})
    end_date = fields.Date(allow_none=True, metadata={"description": "After the start date and today."})
    salary = fields.Nested(SalaryIn, allow_none=True, metadata={"description": "Null: no pay given."})
    contact = fields.Nested(ContactIn, allow_none=True, metadata={"description": "Null: no contact person."})


# The facets of the public offer list, as query parameters (the same as the page's filters).
OFFER_FILTERS = {
    "q": {"type": "string", "maxLength": 100, "description": "Words to search for (German or English)."},
    "kind": {"type": "string", "enum": KINDS},
    "sector": {"type": "string", "enum": SECTORS},
    "degree": {"type": "string", "enum": DEGREES, "description": "My degree: offers asking for it, a lower one or none."},
    "german": {"type": "string", "enum": list(LANGUAGE_LEVELS),
               "description": "My German level: offers needing at most this level."},
    "remote": {"type": "boolean", "description": "Only offers with remote work."},
    "start_by": {"type": "string", "format": "date", "description": "Starting on or before this date."},
    "salary": {"type": "boolean", "description": "Only offers that give their pay."},
    "pay_from": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_AMOUNT,
                 "description": "Pay at least this (EUR, at most two decimals) per `pay_period`."},
    "pay_period": {"type": "string", "enum": PERIODS, "description": "The period of `pay_from`; month if not given."},
}

# The facets of the public list of research units.
UNIT_FILTERS = {
    "q": {"type": "string", "maxLength": 100, "description": "Words in the name, expertise, methods, equipment, "
                                                             "topics or head."},
    "faculty": {"type": "string", "enum": FACULTIES},
    "topic": {"type": "string", "maxLength": 100, "description": "Units naming this topic."},
}
