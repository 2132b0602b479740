"""The translation catalogues: extraction from the sources, and the English identity catalogue.

User-facing strings are written in English in the code and templates; German (the default
language) is the translated catalogue. The English catalogue maps each string to itself so that
both catalogues are complete and a missing German translation is visible as such.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LOCALES = ("de", "en")
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
