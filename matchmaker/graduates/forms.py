"""The graduate's profile form: studies, skills, languages, what they look for, and consent to be found."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, FieldList, Form, FormField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..catalog import BTU_PROGRAMMES, DEGREE_LABELS, LANGUAGE_NAMES, OFFER_KIND_LABELS, choices
from ..forms import BaseForm, ListLength, PlainName, name_filter, split_list
from ..models import LANGUAGE_LEVELS, Degree, GraduateProfile, OfferKind

LANGUAGE_ROWS = 5
SKILLS_MAX = 40
SKILL_LENGTH = 80
ABOUT_MAX = 5000
CV_MAX = 20000
# BTU and its predecessor colleges in Cottbus and Senftenberg go back to the 1950s.
EARLIEST_GRADUATION = date(1950, 1, 1)
GRADUATION_YEARS_AHEAD = 6
START_YEARS_AHEAD = 10

CHOOSE = _l("— choose —")
INVALID_CHOICE = _l("Please choose one of the listed options.")
INVALID_DATE = _l("Please enter a date like 2026-09-30.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _one_line(value):
    return " ".join(value.split()) if isinstance(value, str) else value


def _max(n: int) -> Length:
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


def _years_ahead(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def level_label(level: str):
    return _l("Native") if level == "native" else level


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LanguageRowForm(Form):
    """One language with its level; a row left empty is ignored."""

    language = SelectField(_l("Language"), default="", invalid_choice_message=INVALID_CHOICE,
                           choices=[("", CHOOSE)] + list(LANGUAGE_NAMES.items()))
    level = SelectField(_l("Level"), default="", invalid_choice_message=INVALID_CHOICE,
                        choices=[("", CHOOSE)] + [(level, level_label(level)) for level in LANGUAGE_LEVELS])

    def validate_language(self, field):
        if self.level.data and not field.data:
            raise ValidationError(_l("Please choose the language for this level."))

    def validate_level(self, field):
        if self.language.data and not field.data:
            raise ValidationError(_l("Please choose your level."))


class ProfileForm(BaseForm):
    name = StringField(_l("Name"), filters=[name_filter], validators=[
        DataRequired(_l("Please enter your name.")), _max(120), PlainName()])
    headline = StringField(_l("Headline"), filters=[_one_line], validators=[_max(160)])
    about = TextAreaField(_l("About you"), filters=[_strip], validators=[_max(ABOUT_MAX)])

    study_programme = SelectField(_l("Field of study"), default="", invalid_choice_message=INVALID_CHOICE,
                                  choices=[("", CHOOSE)] + [(p, p) for p in BTU_PROGRAMMES])
    study_other = StringField(_l("Other programme"), filters=[_one_line], validators=[_max(160)])
    degree = SelectField(_l("Degree"), default="", invalid_choice_message=INVALID_CHOICE,
                         choices=choices(DEGREE_LABELS, blank=CHOOSE))
    graduation_date = DateField(_l("Graduation (done or expected)"), invalid_value_message=INVALID_DATE,
                                validators=[Optional()])

    skills = TextAreaField(_l("Skills"), filters=[_strip], validators=[
        _max(SKILLS_MAX * (SKILL_LENGTH + 2)), ListLength(SKILLS_MAX, SKILL_LENGTH)])
    languages = FieldList(FormField(LanguageRowForm), min_entries=LANGUAGE_ROWS, max_entries=LANGUAGE_ROWS)

    wanted_kinds = MultiCheckboxField(_l("What are you looking for?"), invalid_choice_message=INVALID_CHOICE,
                                      choices=choices(OFFER_KIND_LABELS))
    earliest_start = DateField(_l("Earliest start"), invalid_value_message=INVALID_DATE, validators=[Optional()])
    places = StringField(_l("Places"), filters=[_one_line], validators=[_max(200)])
    cv_text = TextAreaField(_l("CV"), filters=[_strip], validators=[_max(CV_MAX)])

    visible_to_companies = BooleanField(_l("Companies may find my pseudonymous profile"), default=False)

    def __init__(self, *args, stored_start: date | None = None, **kwargs):
        # A start saved earlier may lie in the past by now; keeping it unchanged must not block other edits.
        self._stored_start = stored_start
        super().__init__(*args, **kwargs)

    def validate_graduation_date(self, field):
        latest = _years_ahead(date.today(), GRADUATION_YEARS_AHEAD)
        if field.data and not (EARLIEST_GRADUATION <= field.data <= latest):
            raise ValidationError(_l("Please enter a graduation date between %(first)d and %(last)d.",
                                     first=EARLIEST_GRADUATION.year, last=latest.year))

    def validate_earliest_start(self, field):
        today = date.today()
        if not field.data or field.data == self._stored_start:
            return
        if field.data < today:
            raise ValidationError(_l("The earliest start cannot be in the past."))
        if field.data > _years_ahead(today, START_YEARS_AHEAD):
            raise ValidationError(_l("Please enter a start within the next %(n)d years.", n=START_YEARS_AHEAD))

    def validate_languages(self, field):
        seen = set()
        duplicate = False
        for row in field:
            code = row.form.language.data
            if not code or row.form.language.errors:
                continue
            if code in seen:
                row.form.language.errors.append(_l("This language is already listed."))
                duplicate = True
            seen.add(code)
        if duplicate:
            raise ValidationError(_l("List each language only once."))

    def profile_data(self) -> dict:
        """The validated input as the values save_profile() expects."""
        return {
            "name": self.name.data,
            "headline": self.headline.data or "",
            "about": self.about.data or "",
            "study_programme": self.study_programme.data or "",
            "study_other": self.study_other.data or "",
            "degree": Degree(self.degree.data) if self.degree.data else None,
            "graduation_date": self.graduation_date.data,
            "skills": split_list(self.skills.data, limit=SKILLS_MAX, item_length=SKILL_LENGTH),
            "languages": [{"language": row.form.language.data, "level": row.form.level.data}
                          for row in self.languages if row.form.language.data],
            "wanted_kinds": [kind.value for kind in OfferKind if kind.value in (self.wanted_kinds.data or [])],
            "earliest_start": self.earliest_start.data,
            "places": self.places.data or "",
            "cv_text": self.cv_text.data or "",
            "visible": bool(self.visible_to_companies.data),
        }


def initial_data(profile: GraduateProfile | None) -> dict:
    """What the form shows for a stored profile (or an empty one)."""
    if profile is None:
        return {}
    programme, other = profile.study_programme or "", profile.study_other or ""
    if programme and programme not in BTU_PROGRAMMES:
        programme, other = "", other or programme
    return {
        "name": profile.name,
        "headline": profile.headline,
        "about": profile.about,
        "study_programme": programme,
        "study_other": other,
        "degree": profile.degree.value if profile.degree else "",
        "graduation_date": profile.graduation_date,
        "skills": ", ".join(profile.skills or []),
        "languages": [{"language": entry.get("language", ""), "level": entry.get("level", "")}
                      for entry in (profile.languages or [])][:LANGUAGE_ROWS],
        "wanted_kinds": list(profile.wanted_kinds or []),
        "earliest_start": profile.earliest_start,
        "places": profile.places,
        "cv_text": profile.cv_text,
        "visible_to_companies": profile.visible_to_companies,
    }


class VisibilityForm(BaseForm):
    """The one-click switch on the dashboard: show or hide the card for companies."""

    visible = SelectField(choices=[("1", "1"), ("0", "0")], invalid_choice_message=INVALID_CHOICE)
