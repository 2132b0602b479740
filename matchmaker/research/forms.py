"""Forms of research units: the unit's profile, inviting members, joining, the list's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError

from ..auth.forms import _password_field
from ..brokering.forms import MESSAGE_MAX
from ..catalog import FACULTY_LABELS, FIELD_OF_ACTION_NAMES, OFFER_KIND_LABELS, UNIT_KIND_LABELS, choices
from ..companies.forms import is_web_address
from ..forms import BaseForm, PlainName, name_filter
from ..models import FieldOfAction
from .queries import UNIT_OFFER_KINDS

TEXT_MAX = 4000
TOPICS_MAX = 2000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _values(pairs) -> list[str]:
    return [value for value, _label in pairs if value]


def _choice(label, pairs, *, required: str | None = None):
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(AnyOf(_values(pairs), message=_l("Please choose one of the listed values.")))
    return SelectField(label, choices=pairs, validate_choice=False, validators=validators, filters=[_strip])


def _text(label, limit: int = TEXT_MAX, description=None):
    return TextAreaField(label, filters=[_strip], description=description, validators=[
        Length(max=limit, message=_l("At most %(max)d characters.", max=limit))])


def _email(label, required: str | None = None):
    first = InputRequired(required) if required else Optional()
    return EmailField(label, filters=[_strip], validators=[
        first, Length(max=254, message=_l("The email address is too long.")),
        Email(message=_l("Please enter a valid email address."), check_deliverability=False)])


class UnitForm(BaseForm):
    """A unit's public profile; staff and the unit's members edit it."""

    name = StringField(_l("Name of the unit"), filters=[name_filter], validators=[
        DataRequired(_l("Please enter the name of the unit.")),
        Length(max=200, message=_l("At most %(max)d characters.", max=200)), PlainName()])
    faculty = _choice(_l("Faculty"), choices(FACULTY_LABELS, blank=_l("— choose —")),
                      required=_l("Please choose the faculty."))
    kind = _choice(_l("Kind of unit"), choices(UNIT_KIND_LABELS, blank=_l("— choose —")),
                   required=_l("Please choose the kind of unit."))
    head = StringField(_l("Head"), filters=[name_filter], validators=[
        Optional(), Length(max=160, message=_l("At most %(max)d characters.", max=160)), PlainName()])
    contact_email = _email(_l("Contact email (a function address is fine)"))
    website = StringField(_l("Website"), filters=[_strip], validators=[
        Optional(), Length(max=300, message=_l("At most %(max)d characters.", max=300))])
    topics = _text(_l("Topics we want to work on with industry"), TOPICS_MAX,
                   _l("One per line or separated by commas, in German and/or English."))
    expertise = _text(_l("Expertise"))
    methods = _text(_l("Methods"))
    equipment = _text(_l("Equipment"))

    def validate_website(self, field):
        if field.data and not is_web_address(field.data):
            raise ValidationError(_l("Please enter a web address starting with https:// or http://."))


class InviteMemberForm(BaseForm):
    email = _email(_l("Email of the new member"), required=_l("Please enter an email address."))


class JoinForm(BaseForm):
    """A new researcher account from an invitation: the invitation link proves the address."""

    password = _password_field(_l("Password (at least 12 characters)"))
    password_again = PasswordField(_l("Password again"), validators=[
        InputRequired(_l("Please repeat the password.")),
        EqualTo("password", message=_l("The passwords do not match."))])
    accept_privacy = BooleanField(_l("I have read the privacy notice."), validators=[
        InputRequired(_l("Please confirm that you have read the privacy notice."))])


class UnitMessageForm(BaseForm):
    """A company's invitation of a unit, with an optional message."""

    message = TextAreaField(_l("Personal message to the unit (optional)"), filters=[_strip], validators=[
        Optional(), Length(max=MESSAGE_MAX, message=_l("At most %(max)d characters.", max=MESSAGE_MAX))])


class ProposeUnitForm(BaseForm):
    message_to_unit = TextAreaField(_l("Personal message to the research unit"), filters=[_strip], validators=[
        DataRequired(_l("Please write a short message.")),
        Length(max=MESSAGE_MAX, message=_l("At most %(max)d characters.", max=MESSAGE_MAX))])
    message_to_company = TextAreaField(_l("Personal message to the company"), filters=[_strip], validators=[
        DataRequired(_l("Please write a short message.")),
        Length(max=MESSAGE_MAX, message=_l("At most %(max)d characters.", max=MESSAGE_MAX))])


class UnitFilterForm(BaseForm):
    """The public list's filters, read from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[_strip], validators=[
        Optional(), Length(max=100, message=_l("At most %(max)d characters.", max=100))])
    faculty = _choice(_l("Faculty"), choices(FACULTY_LABELS, blank=_l("All faculties")))
    topic = StringField(_l("Topic"), filters=[_strip], validators=[
        Optional(), Length(max=100, message=_l("At most %(max)d characters.", max=100))])

    def valid_filters(self) -> dict:
        self.validate()
        return {name: self[name].data for name in ("q", "faculty", "topic")
                if not self[name].errors and self[name].data}


UNIT_KIND_CHOICES = [(kind.value, OFFER_KIND_LABELS[kind]) for kind in UNIT_OFFER_KINDS]
UNIT_FIELDS = (FieldOfAction.innovation, FieldOfAction.qualification)


class QuestionFilterForm(BaseForm):
    """A unit's filters on the questions that fit it: kind of offer and field of action."""

    class Meta:
        csrf = False

    kind = _choice(_l("Kind"), [("", _l("All kinds"))] + UNIT_KIND_CHOICES)
    field = _choice(_l("Field of action"), [("", _l("All fields"))]
                    + [(f.value, FIELD_OF_ACTION_NAMES[f]) for f in UNIT_FIELDS])

    def valid_filters(self) -> dict:
        self.validate()
        return {name: self[name].data for name in ("kind", "field") if not self[name].errors and self[name].data}
