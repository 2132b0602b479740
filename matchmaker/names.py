"""Names people and companies give: one normal form, no invisible characters, and a skeleton to spot look-alikes.

A name with a zero-width space or a right-to-left override looks like another one on screen while it is a
different string, so a fake company could sit next to the real one in a list. Names are therefore stored in
NFKC form with single spaces, and characters that are invisible or change the text direction are refused.
What is still visible can imitate another name ("Кraftwerk" with a Cyrillic К, "Kraftw0rk"): `skeleton`
reduces a name to what a reader sees, so staff are warned when a new name's skeleton equals an existing one.
"""

from __future__ import annotations

import unicodedata

# Invisible or direction-changing characters that are not of category Cf (format) but look like nothing:
# Hangul fillers, the braille blank, variation selectors, Mongolian free variation selectors.
_INVISIBLE_EXTRA = frozenset(
    [0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x180B, 0x180C, 0x180D, 0x180F, 0x034F]
    + list(range(0xFE00, 0xFE10)) + list(range(0xE0100, 0xE01F0))
)
# Format (bidi controls, zero-width characters, soft hyphen), private use, surrogates, unassigned, and the
# line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cf", "Co", "Cs", "Cn", "Zl", "Zp"})

# Letters of other scripts (and digits) that look like Latin letters; applied before case folding so that
# capitals map by their own shape. A short list of the common ones, not Unicode's full confusables table.
HOMOGLYPHS = str.maketrans({
    # Cyrillic
    "А": "A", "а": "a", "В": "B", "Е": "E", "е": "e", "К": "K", "к": "k", "М": "M", "Н": "H", "О": "O", "о": "o",
    "Р": "P", "р": "p", "С": "C", "с": "c", "Т": "T", "У": "Y", "у": "y", "Х": "X", "х": "x", "І": "I", "і": "i",
    "Ј": "J", "ј": "j", "Ѕ": "S", "ѕ": "s", "Ԁ": "d", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "Ӏ": "l",
    # Greek
    "Α": "A", "α": "a", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "ι": "i", "Κ": "K", "κ": "k",
    "Μ": "M", "Ν": "N", "ν": "v", "Ο": "O", "ο": "o", "Ρ": "P", "ρ": "p", "Τ": "T", "Υ": "Y", "υ": "u",
    "Χ": "X", "χ": "x",
    # Latin and digits that pass for other Latin letters
    "0": "O", "1": "l", "I": "l", "|": "l", "ı": "i",
})
# Letter pairs that read as one letter at a glance (after case folding).
_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))


def has_invisible_characters(text: str) -> bool:
    """True if the text holds characters that are invisible or change the text direction."""
    return any(unicodedata.category(ch) in _REFUSED_CATEGORIES or ord(ch) in _INVISIBLE_EXTRA for ch in text)


def normalise_name(text: str) -> str:
    """NFKC (full-width letters, ligatures and the like become plain ones) and single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def skeleton(name: str) -> str:
    """What a reader sees of a name: homoglyphs mapped to Latin, case and accents dropped, only letters and digits."""
    text = unicodedata.normalize("NFKC", name).translate(HOMOGLYPHS).casefold()
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = "".join(ch for ch in text if ch.isalnum())
    for pair, letter in _PAIRS:
        text = text.replace(pair, letter)
    return text
