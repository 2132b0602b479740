"""Personal data out of a document before the matcher sees it.

A graduate's About text and CV may name the person, their e-mail address, phone number, street and
postal code. None of that is a skill, and none of it may become a feature: a feature can surface as a
reason, and a crafted offer ("Hannah Franke mailbox 03130") could otherwise probe for it by rank.
`scrub` drops such tokens and keeps the rest of the text as it was written.

It works token by token on whitespace (`str.split`), with checks that each look at one token a fixed
number of times, so its time is linear in the text's length whatever the text holds. Knows no Flask.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# A word that names a street when a house number follows it ("Spremberger Straße 12", "Am Markt 3"
# is caught by the number alone). Matched against the end of one token only.
_STREET_SUFFIXES = ("straße", "strasse", "str", "weg", "allee", "platz", "gasse", "damm", "ufer", "chaussee",
                    "ring", "steig", "pfad", "street", "road", "avenue", "lane")
_SPLIT_NAME = re.compile(r"[\s._+\-]+")


def _core(token: str) -> str:
    """The token without leading or trailing punctuation, folded for comparison (one pass each way:
    a regular expression anchored at the end would try every start in a long run of punctuation)."""
    start, end = 0, len(token)
    while start < end and not token[start].isalnum():
        start += 1
    while end > start and not token[end - 1].isalnum():
        end -= 1
    return unicodedata.normalize("NFKC", token[start:end]).casefold()


def _is_contact(token: str) -> bool:
    """An e-mail address, a web or mail link, or a handle."""
    lowered = token.casefold()
    return ("@" in token or lowered.startswith(("http://", "https://", "www.", "mailto:", "tel:"))
            or "://" in token)


def _is_number(token: str) -> bool:
    """Mostly digits: postal codes, house numbers, phone numbers, dates, figures ("03130", "+49",
    "0355/69-1234", "12a", "2024-05-01"). A tool's name with a digit ("S7", "3D", "Python3") stays."""
    digits = letters = 0
    for ch in token:
        if ch.isdigit():
            digits += 1
        elif ch.isalpha():
            letters += 1
    return digits > letters


def _is_postal_code(token: str) -> bool:
    """"03130", "D-03130": five digits, as German postal codes are."""
    core = _core(token)
    return len(core) >= 5 and core[-5:].isdigit() and not core[-6:-5].isdigit()


def _is_house_number(token: str) -> bool:
    """"12", "5a", "12-14,": a number of at most four digits, perhaps with a letter."""
    core = _core(token)
    return 0 < len(core) <= 6 and core[0].isdigit()


def _is_street(token: str) -> bool:
    """Ends like a street's name ("Hauptstraße", "Berliner Str.", "Main Street"); asked only of a
    token that a house number follows."""
    core = _core(token)
    return core.endswith(_STREET_SUFFIXES)


def name_parts(*names: str | None) -> frozenset[str]:
    """The folded parts of a person's name and of the local part of their e-mail address
    ("Hannah Franke", "hannah.franke@mailbox.example" -> hannah, franke); parts of one or two
    letters are left out, as they would strike ordinary words. (A whole address is dropped as
    contact data anyway, so its domain need not be listed.)"""
    parts: set[str] = set()
    for name in names:
        for part in _SPLIT_NAME.split((name or "").split("@", 1)[0]):
            core = _core(part)
            if len(core) > 2:
                parts.add(core)
    return frozenset(parts)


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """`text` without contact data, numbers, street names and the given name parts (folded)."""
    if not text:
        return ""
    names = names if isinstance(names, (set, frozenset)) else frozenset(names)
    lines = []
    for line in text.splitlines():
        tokens = line.split()
        keep = [True] * len(tokens)
        for i, token in enumerate(tokens):
            if _is_contact(token) or _is_number(token) or (names and _core(token) in names):
                keep[i] = False
                # "03130 Spremberg": the town after a postal code is part of the address.
                if i + 1 < len(tokens) and _is_postal_code(token) and tokens[i + 1][:1].isupper():
                    keep[i + 1] = False
            elif i + 1 < len(tokens) and _is_house_number(tokens[i + 1]) and _is_street(token):
                keep[i] = keep[i + 1] = False
                # "Spremberger Straße", "Berliner Str.": the town's adjective belongs to the street.
                if i > 0 and _core(tokens[i - 1]).endswith("er") and tokens[i - 1][:1].isupper():
                    keep[i - 1] = False
        lines.append(" ".join(t for t, k in zip(tokens, keep) if k))
    return "\n".join(lines)
