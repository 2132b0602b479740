from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..catalog import ROLE_LABELS, choices
from ..forms import BaseForm
from .operations import REASON_MAX

SEARCH_MAX = 100


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RejectForm(BaseForm):
    reason = TextAreaField(_l("Reason (the company's members read it)"), filters=[_strip], validators=[
        DataRequired(_l("Please give a reason.")),
        Length(max=REASON_MAX, message=_l("At most %(max)d characters.", max=REASON_MAX)),
    ])


class _FilterForm(BaseForm):
    """Filters read from the query string: no CSRF token, nothing changes."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), filters=[_strip], validators=[
        Length(max=SEARCH_MAX, message=_l("At most %(max)d characters.", max=SEARCH_MAX))])


class CompanyFilterForm(_FilterForm):
    state = SelectField(_l("Verification"), default="all", choices=[
        ("pending", _l("Waiting for verification")),
        ("verified", _l("Verified")),
        ("rejected", _l("Rejected")),
        ("all", _l("All")),
    ])


class UserFilterForm(_FilterForm):
    role = SelectField(_l("Role"), default="", choices=choices(ROLE_LABELS, blank=_l("All roles")))
    state = SelectField(_l("Account"), default="", choices=[
        ("", _l("Active and deactivated")),
        ("active", _l("Active")),
        ("inactive", _l("Deactivated")),
    ])
