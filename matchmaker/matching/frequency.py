"""How common a word is in general language, German and English (wordfreq).

A job text's everyday words ("work", "new", "support", "Probleme") are the
commonest words of the language too, while most trade words are rare in it.
wordfreq (Apache-2.0, its word lists CC BY-SA 4.0) gives each word's
frequency over many sources (Wikipedia, subtitles, news, books, the web); its
"small" lists hold every word seen at least once in a million words (29,000
English and 39,000 German words; 0.3 MB, read in under a second).

Each listed word is analysed as the index analyses a token (lemma, folded,
masculine job title), and the frequencies of the words that meet in one
lemma are summed ("problem", "problems" in ``problem``; not "developer" in
"develop" nor "Sicherheit" in "sicher", which their Snowball stems would
join).  A lemma's value is a Zipf value: log10 of its frequency per billion
words (6: once in a thousand words, "work" 6.2; 4: ten in a million,
"weld" 3.9).  The table depends on the analysis only, so it is built once
per dictionary and process, and only where everyday words are learnt (a fit,
a snapshot's build).
"""
from __future__ import annotations

import logging
import math

import numpy as np

from .text import stem

log = logging.getLogger("matchmaker.matching")

LANGS = ("de", "en")
WORDLIST = "small"


def _table(analyzer) -> dict[str, dict[str, float]]:
    """Per language, lemma (the index's normal form) -> Zipf value (see the
    module's text); empty without wordfreq."""
    try:
        import wordfreq
    except ImportError:  # pragma: no cover - a declared dependency
        log.warning("wordfreq is not installed: no word is everyday by its frequency in general language")
        return {}
    out: dict[str, dict[str, float]] = {}
    for lang in LANGS:
        summed: dict[str, float] = {}
        for word, freq in wordfreq.get_frequency_dict(lang, WORDLIST).items():
            if not word.isalpha():
                continue
            n = analyzer.normal(word, lang)
            if n is not None:
                summed[n] = summed.get(n, 0.0) + freq
        out[lang] = {n: math.log10(freq) + 9.0 for n, freq in summed.items()}
    return out


def general_table(analyzer) -> dict[str, dict[str, float]]:
    """:func:`_table`, built once per dictionary (shared like the compound splitter)."""
    owner = analyzer.bridge
    if owner is None:
        from .text import _NO_BRIDGE as owner
    return owner.shared("general-zipf", lambda: _table(analyzer))


def common_lemmas(analyzer, features, loose: np.ndarray, zipf: float) -> frozenset[tuple[str, str]]:
    """``(language, lemma)`` of every lemma at least ``zipf`` common in general
    language whose word feature (its Snowball stem) is marked in ``loose``
    (per feature id: its documents are not much more alike than any two)."""
    out = []
    n = len(loose)
    for lang, table in general_table(analyzer).items():
        names = [lemma for lemma, z in table.items() if z >= zipf]
        keys = ["w:" + stem(lemma, lang) for lemma in names]
        ids = features.get_many(keys) if hasattr(features, "get_many") else [features.get(k) for k in keys]
        out.extend((lang, lemma) for lemma, fid in zip(names, ids) if fid is not None and fid < n and loose[fid])
    return frozenset(out)
