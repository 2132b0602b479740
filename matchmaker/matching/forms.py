"""The filters of "Offers that fit you": the public list's, with the hard conditions set to the graduate's own."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import AnyOf, Optional

from ..catalog import DEGREE_LABELS, OFFER_KIND_LABELS, choices
from ..i18n import format_date
from ..models import CEFR_LEVELS, LANGUAGE_LEVELS, Degree, GraduateProfile, OfferKind
from ..offers.forms import OfferFilterForm
from .index import Held

# The value that stands for the graduate's own answer to a condition ("the kinds I look for", "no German").
MINE = "mine"
NONE = "none"


def _select(label, pairs):
    """A select of known values; "" is "any" (the condition is not checked)."""
    return SelectField(label, choices=pairs, default="", validate_choice=False, validators=[
        Optional(), AnyOf([value for value, _label in pairs if value],
                          message=_l("Please choose one of the listed values."))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value])


class FitFilterForm(OfferFilterForm):
    """Read from the query string. A condition's field starts at the graduate's own value (the kinds they
    look for, their degree, their German level, their earliest start) when the address does not name it;
    "any" (an empty value) leaves that condition unchecked."""

    kind = _select(_l("Kind"), [("", _l("All kinds")), (MINE, _l("The kinds you look for"))]
                   + choices(OFFER_KIND_LABELS))
    degree = _select(_l("My degree"), [("", _l("Any")), (NONE, _l("No degree yet"))] + choices(DEGREE_LABELS))
    german = _select(_l("My German level"), [("", _l("Any")), (NONE, _l("No German"))]
                     + [(level, level) for level in CEFR_LEVELS] + [(LANGUAGE_LEVELS[-1], _l("Native speaker"))])
    start = _select(_l("Start"), [("", _l("Any start")), (MINE, _l("When you can start"))])

    def __init__(self, *args, profile: GraduateProfile, **kwargs):
        defaults = {"kind": MINE if profile.wanted_kinds else "",
                    "degree": profile.degree.value if profile.degree else NONE,
                    "german": profile.german_level or NONE,
                    "start": MINE if profile.earliest_start else ""}
        super().__init__(*args, **{**defaults, **kwargs})
        self.profile = profile
        if profile.wanted_kinds:
            names = ", ".join(str(OFFER_KIND_LABELS[OfferKind(kind)]) for kind in profile.wanted_kinds
                              if kind in OfferKind._value2member_map_)
            self.kind.choices[1] = (MINE, _l("The kinds you look for (%(kinds)s)", kinds=names))
        if profile.earliest_start:
            self.start.choices[1] = (MINE, _l("Open when you can start (%(date)s)",
                                              date=format_date(profile.earliest_start)))
        else:  # nothing to check: the field is not shown
            del self.start

    def valid_filters(self) -> dict:
        """The facets of the public list that were understood; the conditions are in `held()`."""
        values = super().valid_filters()
        for name in ("degree", "german"):  # conditions here, not facets of the list
            values.pop(name, None)
        if values.get("kind") == MINE:
            values.pop("kind")
        return values

    def held(self) -> Held:
        """What the graduate brings to the conditions as the fields set it; "any" skips a condition. A
        value with an error counts as the graduate's own."""
        profile, skip = self.profile, set()
        kinds = tuple(profile.wanted_kinds or ())
        kind = self._value("kind", MINE if kinds else "")
        if kind != MINE:  # all kinds, or one kind chosen as a facet: the kinds looked for are not checked
            skip.add("kind")
        degree = self._value("degree", profile.degree.value if profile.degree else NONE)
        german = self._value("german", profile.german_level or NONE)
        if not degree:
            skip.add("degree")
        if not german:
            skip.add("german")
        if "start" not in self or self._value("start", MINE) != MINE:
            skip.add("start")
        return Held(kinds=kinds,
                    german=None if german in ("", NONE) else german,
                    degree=Degree(degree) if degree not in ("", NONE) else None,
                    earliest_start=profile.earliest_start, skip=frozenset(skip))

    def _value(self, name: str, own: str) -> str:
        field = self[name]
        return own if field.errors or field.data is None else field.data
