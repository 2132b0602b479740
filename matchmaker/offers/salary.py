"""An offer's pay range in the reader's words: "3.000 € – 3.800 € pro Monat"."""

from __future__ import annotations

from decimal import Decimal

from babel import Locale
from flask_babel import format_currency, get_locale
from flask_babel import gettext as _

from ..models import Offer, SalaryPeriod


def _money(cents: int, currency: str) -> str:
    amount = Decimal(cents) / 100
    if cents % 100:
        return format_currency(amount, currency)
    # Whole amounts without ",00": the locale's own pattern, less its decimals.
    pattern = Locale.parse(str(get_locale() or "de")).currency_formats["standard"].pattern.split(";")[0]
    return format_currency(amount, currency, format=pattern.replace(".00", ""), currency_digits=False)


def salary_text(offer: Offer) -> str:
    """The range, one bound, or "" when the offer gives no pay."""
    if not offer.has_salary:
        return ""
    currency = offer.salary_currency or "EUR"
    low, high = offer.salary_min_cents, offer.salary_max_cents
    if low is not None and high is not None and low != high:
        amount = f"{_money(low, currency)} – {_money(high, currency)}"
    elif low is not None and high is not None:
        amount = _money(low, currency)
    elif low is not None:
        amount = _("from %(amount)s", amount=_money(low, currency))
    else:
        amount = _("up to %(amount)s", amount=_money(high, currency))
    per = {SalaryPeriod.hour: _("per hour"), SalaryPeriod.month: _("per month"),
           SalaryPeriod.year: _("per year")}[offer.salary_period]
    return f"{amount} {per}"
