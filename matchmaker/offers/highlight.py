"""The words a search found, marked in an offer's text: escaped text with <mark> around them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

# A word shorter than this is not marked: one or two letters would light up half the text.
MIN_MARKED = 3
# At most this many words are marked (the reasons of one offer are fewer).
MAX_MARKED = 20


def _pattern(words: Iterable[str]) -> re.Pattern | None:
    """One pattern for all the words, longest first, each starting at a word's start (any case)."""
    unique = sorted({w for w in words if len(w) >= MIN_MARKED}, key=len, reverse=True)[:MAX_MARKED]
    if not unique:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in unique) + ")", re.IGNORECASE)


def highlight(text: str, words: Iterable[str]) -> Markup:
    """`text` escaped, with every occurrence of one of `words` wrapped in <mark>."""
    pattern = _pattern(words)
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for found in pattern.finditer(text):
        out.append(escape(text[last:found.start()]))
        out.append(Markup("<mark>%s</mark>") % found.group(0))
        last = found.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, words: Iterable[str], width: int = 160) -> Markup:
    """About `width` characters of `text` around the first marked word (empty when none occurs),
    escaped and marked."""
    pattern = _pattern(words)
    found = pattern.search(text) if pattern is not None else None
    if found is None:
        return Markup("")
    start = max(0, found.start() - width // 3)
    if start > 0:  # begin at a word
        space = text.find(" ", start, found.start())
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", found.end(), end)
        end = space if space != -1 else end
    part = highlight(text[start:end], words)
    return Markup("").join([Markup("… ") if start > 0 else Markup(""), part,
                            Markup(" …") if end < len(text) else Markup("")])


def mark_hit(hit, q: str) -> dict:
    """What a search result shows with the words marked: title, company, a snippet of the description
    and the skills. The offer's own words that met the query (the reasons) are marked; an offer found
    by its company's name has the typed words marked there."""
    offer = hit.offer
    words = list(hit.words)
    company = offer.company.name if offer.company is not None else ""
    return {
        "title": highlight(offer.title or "", words),
        "company": highlight(company, words if hit.lang else q.split()),
        "snippet": snippet(offer.description or "", words),
        "skills": [highlight(skill, words) for skill in (offer.required_skills or [])[:6]],
    }
