from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import InputRequired

from ..forms import BaseForm


class AlertSettingsForm(BaseForm):
    enabled = RadioField(_l("Weekly alerts"), choices=[("1", _l("On: send me a weekly mail")),
                                                       ("0", _l("Off"))],
                         validators=[InputRequired(message=_l("Please choose on or off."))])
