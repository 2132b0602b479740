"""Registering a feed: its address and its kind."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, ValidationError

from ..forms import BaseForm
from ..models import FeedKind
from .fetch import FetchError, check_url
from .messages import FEED_KIND_LABELS


class FeedForm(BaseForm):
    url = StringField(_l("Address of the page or feed"), filters=[lambda v: v.strip() if isinstance(v, str) else v],
                      validators=[DataRequired(_l("Please enter the address.")),
                                  Length(max=2000, message=_l("At most %(max)d characters.", max=2000))],
                      render_kw={"inputmode": "url", "placeholder": "https://"})
    kind = SelectField(_l("Kind"), choices=[(kind.value, label) for kind, label in FEED_KIND_LABELS.items()],
                       default=FeedKind.jsonld_page.value, validate_choice=False,
                       validators=[InputRequired(_l("Please choose the kind.")),
                                   AnyOf([kind.value for kind in FeedKind],
                                         message=_l("Please choose one of the listed values."))])

    def validate_url(self, field):
        try:
            check_url(field.data)
        except FetchError:
            raise ValidationError(_l("Please enter an http or https address with a host name, without a user "
                                     "name or password.")) from None
