"""What goes into and out of the API, as marshmallow schemas; the OpenAPI document is made from them."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from ..models import CEFR_LEVELS, LANGUAGE_LEVELS, Degree, OfferKind, OfferStatus, Sector, SizeBand

KINDS = [kind.value for kind in OfferKind]
DEGREES = [degree.value for degree in Degree]
SECTORS = [sector.value for sector in Sector]


class CompanyRef(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)


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


def _skills():
    return fields.List(fields.Str(validate=validate.Length(min=1, max=80)), validate=validate.Length(max=40))


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
}
