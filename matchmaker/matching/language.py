"""Which language a text is written in: German or English.

The matcher analyses a document in one language (lemmas, stems, the dictionary's side). An offer's
company names its language on the form (`Offer.language`); a graduate's profile has no such field, and
the stop-word guess of text.py (`guess_lang`) takes a German title without stop words, umlauts or a
known ending for English (on the titles-de dev set it was right for 630 of 1,094 headlines).

`detect_language` asks Lingua (the `lingua-language-detector` package, which ships its n-gram models in
the package itself, so nothing is fetched at run time), restricted to German and English, in its high
accuracy mode (about 1 ms a profile; right for 1,030 of those 1,094 headlines, and for every profile
and offer of the two skills sets). Without the package it falls back to `guess_lang`. Knows no Flask.

`field_languages` tells each field apart (a German headline over English skills): on profiles written
that way (eval/dev-mixed) it lifts MRR from 0.709 to 0.727 against German offers and from 0.640 to 0.655
against English ones; analysing the uncertain fields both ways did a little better there but cost
titles-de 0.002 (docs/matcher.md).
"""

from __future__ import annotations

import functools
import logging
import threading

from .text import guess_lang

log = logging.getLogger("matchmaker.matching")

_detector = None
_detector_lock = threading.Lock()
_missing = object()
# Lingua reads at most this much of a text; the language of a long About text shows in its start.
_MAX_CHARS = 2000


def _get_detector():
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                try:
                    from lingua import Language, LanguageDetectorBuilder
                except ImportError:  # pragma: no cover - a dependency; the fallback keeps the matcher working
                    log.warning("lingua-language-detector is not installed: languages are guessed from stop words")
                    _detector = _missing
                else:
                    det = LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH).build()
                    _detector = (det, {Language.GERMAN: "de", Language.ENGLISH: "en"})
    return _detector


def detect_language(text: str) -> str | None:
    """"de" or "en" for a text, None when it has no letters to tell by."""
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    text = text[:_MAX_CHARS]
    if not any(ch.isalpha() for ch in text):
        return None
    found = _get_detector()
    if found is _missing:
        return guess_lang(text)
    det, codes = found
    lang = det.detect_language_of(text)
    return codes.get(lang) if lang is not None else guess_lang(text)


def language_confidence(text: str) -> dict[str, float]:
    """{"de": p, "en": 1 - p} for a text (Lingua's confidence values); {} without letters or Lingua."""
    text = text[:_MAX_CHARS]
    found = _get_detector()
    if found is _missing or not any(ch.isalpha() for ch in text):
        return {}
    det, codes = found
    return {codes[c.language]: c.value for c in det.compute_language_confidence_values(text)}


def field_languages(fields: dict[str, str]) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """The language of a document (all its fields together) and of each field whose own text says
    otherwise: ``(lang, (("title", "de"), ...))`` for `Document.lang` and `Document.field_langs`.
    ``fields`` maps "title", "skills", "text" to their text (skills joined by newlines). The answers
    for the last few hundred documents are kept: a page explains the same graduate's card, and ranks
    for the same profile, again and again."""
    return _field_languages(tuple((name, text[:_MAX_CHARS]) for name, text in fields.items()))


@functools.lru_cache(maxsize=512)
def _field_languages(fields: tuple[tuple[str, str], ...]) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    lang = detect_language("\n".join(t for _, t in fields if t))
    own = []
    for name, text in fields:
        if text and text.strip():
            mine = detect_language(text)
            if mine is not None and mine != lang:
                own.append((name, mine))
    return lang, tuple(own)
