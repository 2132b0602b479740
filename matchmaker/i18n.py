"""The translation catalogues: extraction from the sources, and the English identity catalogue.

User-facing strings are written in English in the code and templates; German (the default
language) is the translated catalogue. The English catalogue maps each string to itself so that
both catalogues are complete and a missing German translation is visible as such.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LOCALES = ("de", "en")
TIME_ZONE = "Europe/Berlin"
BERLIN = ZoneInfo(TIME_ZONE)
# One pattern per locale and kind, so a page never shows "11/30/26, 9:24 AM" beside "Nov 30, 2026".
# "month" is for values known to the month (a graduation date), "weekday" for events, where the day matters.
DATE_FORMATS = {
    "de": {"date": "dd.MM.yyyy", "datetime": "dd.MM.yyyy, HH:mm", "month": "MMMM yyyy",
           "weekday": "EEE dd.MM.yyyy, HH:mm"},
    "en": {"date": "d MMM yyyy", "datetime": "d MMM yyyy, HH:mm", "month": "MMMM yyyy",
           "weekday": "EEE d MMM yyyy, HH:mm"},
}
# Babel's style names, as older templates pass them, mean the house format of that kind.
_STYLE_ALIASES = {"short", "medium", "long", "full", None}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "lazy_ngettext": (1, 2)}


def extract() -> Catalog:
    """Every marked string in matchmaker/ (Python) and templates/ (Jinja)."""
    catalog = Catalog(project="matchmaker", charset="utf-8")
    sources = [
        (ROOT / "matchmaker", [("**.py", "python")], {}),
        (ROOT / "templates", [("**.html", "jinja2"), ("**.txt", "jinja2")], {"**": {"extensions": "jinja2.ext.i18n"}}),
    ]
    for directory, method_map, options in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
                str(directory), method_map, options_map=options, keywords=KEYWORDS, comment_tags=("NOTE",)):
            rel = str((directory / filename).relative_to(ROOT))
            catalog.add(message, None, [(rel, lineno)], auto_comments=comments, context=context)
    return catalog


def catalogue_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    path = catalogue_path(locale)
    if not path.exists():
        return Catalog(locale=locale, project="matchmaker", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def update() -> dict[str, int]:
    """Bring both catalogues in step with the sources; returns untranslated German strings per locale."""
    template = extract()
    missing = {}
    for locale in LOCALES:
        catalog = load(locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False  # a fuzzy header would keep pybabel from compiling the catalogue
        for message in catalog:
            if not message.id:
                continue
            if locale == "en":
                message.string = message.id
                message.flags.discard("fuzzy")
        path = catalogue_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, omit_header=False, sort_output=True)
        missing[locale] = sum(1 for m in catalog if m.id and not _translated(m))
    return missing


def _translated(message) -> bool:
    if "fuzzy" in message.flags:
        return False
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def untranslated(locale: str) -> list[str]:
    """Strings in the sources that the locale's catalogue lacks or leaves empty."""
    catalog = load(locale)
    template = extract()
    result = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        if entry is None or not _translated(entry):
            result.append(message.id if isinstance(message.id, str) else message.id[0])
    return result


# Translations of the templates' strings, by (locale, string): a few hundred of each page's strings
# are translated on every request. Templates translate literal strings only, so this stays small;
# the bound is a guard.
_TEMPLATE_TRANSLATIONS: dict = {}
TEMPLATE_TRANSLATIONS_SIZE = 20_000


def template_gettext(string: str) -> str:
    """The templates' `_()`: Flask-Babel's translation of the request's locale, kept once looked up
    (each look-up otherwise finds the domain, the locale and the catalogue anew: about 19 µs a call
    against 12 µs, most of it Jinja's own). Catalogues are loaded once a process either way."""
    from flask_babel import get_locale, get_translations

    key = (get_locale(), string)
    found = _TEMPLATE_TRANSLATIONS.get(key)
    if found is None:
        found = get_translations().ugettext(string)
        if len(_TEMPLATE_TRANSLATIONS) < TEMPLATE_TRANSLATIONS_SIZE:
            _TEMPLATE_TRANSLATIONS[key] = found
    return found


_FIT_TEXTS: dict = {}


def fit_texts() -> dict[str, str]:
    """The fixed words of a fit and its reason chips (templates/matching/_fit.html, _reason.html) in the
    request's language, translated once a language: a page lists twenty fits and a few hundred chips."""
    from flask_babel import get_locale, gettext

    locale = get_locale()
    texts = _FIT_TEXTS.get(locale)
    if texts is None:
        texts = _FIT_TEXTS[locale] = {
            "very_good": gettext("very good fit"),
            "very_good_meaning": gettext("Among the best fifth of the fits found, and clearly ahead of the rest."),
            "good": gettext("good fit"),
            "good_meaning": gettext("Among the best fifth of the fits found."),
            "partial": gettext("partial fit"),
            "partial_meaning": gettext("Shares some words, below the best fifth of the fits found."),
            "because": gettext("Because both mention:"),
            "kind": gettext("kind of offer"), "german": gettext("German level"), "degree": gettext("degree"),
            "start": gettext("start date"), "does_not_fit": gettext("does not fit"),
            # a format: "%(share)d%% of the score"
            "share": gettext("%(share)d%% of the score"),
            "skills": gettext("in the skills"), "field_of_study": gettext("in the field of study"),
            "headline": gettext("in the headline"),
        }
    return texts


def install_template_gettext(app) -> None:
    """Use `template_gettext` for the templates' `_()` (after Flask-Babel installed its own)."""
    from flask_babel import get_translations

    app.jinja_env.globals["fit_texts"] = fit_texts
    app.jinja_env.install_gettext_callables(
        gettext=template_gettext,
        ngettext=lambda singular, plural, n: get_translations().ungettext(singular, plural, n),
        newstyle=True)


def current_locale() -> str:
    """The request's language as a code ("de", "en"); German where none is chosen (the default of the site)."""
    from flask_babel import get_locale

    return str(get_locale() or "de")


def _pattern(kind: str, style: str | None) -> str:
    locale = current_locale()
    formats = DATE_FORMATS.get(locale[:2], DATE_FORMATS["de"])
    if style in _STYLE_ALIASES:
        style = kind
    if style not in formats:
        raise ValueError(f"unknown date format {style!r}; use one of {sorted(formats)}")
    return formats[style]


def in_berlin(value: datetime) -> datetime:
    """A stored naive-UTC time (or an aware one) as an aware time in Europe/Berlin."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(BERLIN)


def format_date(value: date | datetime | None, style: str | None = None) -> str:
    """A date in the locale's one date format; a datetime is first taken to Europe/Berlin."""
    from babel.dates import format_date as babel_format_date
    from flask_babel import get_locale

    if not value:
        return ""
    if isinstance(value, datetime):
        value = in_berlin(value).date()
    return babel_format_date(value, _pattern("date", style), locale=get_locale() or "de")


def format_datetime(value: datetime | None, style: str | None = None) -> str:
    """A stored time in Europe/Berlin, in the locale's one date-and-time format."""
    from babel.dates import format_datetime as babel_format_datetime
    from flask_babel import get_locale

    if not value:
        return ""
    if not isinstance(value, datetime):
        return format_date(value, style if style in ("date", "month") else None)
    return babel_format_datetime(in_berlin(value), _pattern("datetime", style), locale=get_locale() or "de")


def csv_time(value: datetime | None) -> str:
    """A stored time for a CSV export: ISO 8601 in Europe/Berlin with its offset, e.g. 2026-03-29T03:30:00+02:00."""
    return in_berlin(value).isoformat(timespec="seconds") if value else ""


def berlin_day_start(day: date) -> datetime:
    """Midnight of a Berlin day as naive UTC, as times are stored."""
    local = datetime.combine(day, datetime.min.time(), tzinfo=BERLIN)
    return local.astimezone(timezone.utc).replace(tzinfo=None)
