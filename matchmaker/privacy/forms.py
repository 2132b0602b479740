from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import Optional, ValidationError

from ..forms import BaseForm

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _plausible(form, field):
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(_l("Please give a date between %(start)s and %(end)s.",
                                 start=EARLIEST.isoformat(), end=LATEST.isoformat()))


class AuditFilterForm(BaseForm):
    """The date range of the audit log, read from the query string."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional(), _plausible])
    end = DateField(_l("To (inclusive)"), validators=[Optional(), _plausible])

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must not be before the start date."))
