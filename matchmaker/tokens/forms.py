"""The form that makes a personal API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import BaseForm
from ..models import TokenScope

SCOPE_LABELS = {
    TokenScope.read_offers: _l("Read offers"),
    TokenScope.write_offers: _l("Write offers (create, change, publish, close)"),
    TokenScope.read_matches: _l("Read matches"),
}
VALIDITY_DAYS = (("30", _l("30 days")), ("90", _l("90 days")), ("365", _l("one year")))


class TokenForm(BaseForm):
    name = StringField(_l("Name (what the token is for)"), filters=[lambda v: v.strip() if isinstance(v, str) else v],
                       validators=[DataRequired(_l("Please give the token a name.")),
                                   Length(max=80, message=_l("At most %(max)d characters.", max=80))])
    scopes = SelectMultipleField(_l("Scopes"), choices=[(scope.value, label) for scope, label in SCOPE_LABELS.items()],
                                 validate_choice=False, widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput(), render_kw={"class": "checks"})
    days = SelectField(_l("Valid for"), choices=VALIDITY_DAYS, default="90", validate_choice=False,
                       validators=[AnyOf([value for value, _label in VALIDITY_DAYS],
                                         message=_l("Please choose one of the listed values."))])

    def validate_scopes(self, field):
        known = {scope.value for scope in TokenScope}
        if not field.data:
            raise ValidationError(_l("Please choose at least one scope."))
        if any(value not in known for value in field.data):
            raise ValidationError(_l("Please choose only from the listed values."))

    def token_fields(self) -> dict:
        return {"name": " ".join(self.name.data.split()), "scopes": [TokenScope(v) for v in self.scopes.data],
                "days": int(self.days.data)}
