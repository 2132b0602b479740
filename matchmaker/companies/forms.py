"""Forms of the companies feature: the company profile and the public list's filter."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..catalog import SECTOR_LABELS, SIZE_LABELS, choices
from ..forms import BaseForm, PlainName, name_filter


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _values(pairs) -> list[str]:
    return [value for value, _label in pairs if value]


def is_web_address(url: str) -> bool:
    """An http(s) address with a host: no javascript:, data: or other schemes."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and " " not in url


class CompanyForm(BaseForm):
    sector = SelectField(_l("Sector"), choices=choices(SECTOR_LABELS, blank=_l("— choose —")),
                         validate_choice=False, filters=[_strip], validators=[
                             InputRequired(_l("Please choose the sector.")),
                             AnyOf(_values(choices(SECTOR_LABELS)), message=_l("Please choose one of the listed values."))])
    size_band = SelectField(_l("Size"), choices=choices(SIZE_LABELS, blank=_l("— not stated —")),
                            validate_choice=False, filters=[_strip], validators=[
                                Optional(),
                                AnyOf(_values(choices(SIZE_LABELS)), message=_l("Please choose one of the listed values."))])
    site = StringField(_l("Site"), filters=[name_filter], default="Industriepark Schwarze Pumpe", validators=[
        DataRequired(_l("Please enter where the company works.")),
        Length(max=160, message=_l("At most %(max)d characters.", max=160)), PlainName()])
    about = TextAreaField(_l("About the company"), filters=[_strip], validators=[
        Length(max=5000, message=_l("At most %(max)d characters.", max=5000))])
    website = StringField(_l("Website"), filters=[_strip], validators=[
        Optional(), Length(max=300, message=_l("At most %(max)d characters.", max=300))])
    contact_email = EmailField(_l("Public contact email"), filters=[_strip],
                               render_kw={"placeholder": _l("e.g. karriere@your-company.de")}, validators=[
        Optional(), Length(max=254, message=_l("The email address is too long.")),
        Email(message=_l("Please enter a valid email address."), check_deliverability=False)])

    def validate_website(self, field):
        if field.data and not is_web_address(field.data):
            raise ValidationError(_l("Please enter a web address starting with https:// or http://."))


class CompanyFilterForm(BaseForm):
    class Meta:
        csrf = False

    sector = SelectField(_l("Sector"), choices=choices(SECTOR_LABELS, blank=_l("All sectors")),
                         validate_choice=False, filters=[_strip], validators=[
                             Optional(),
                             AnyOf(_values(choices(SECTOR_LABELS)), message=_l("Please choose one of the listed values."))])
