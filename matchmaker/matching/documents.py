"""What goes into the matcher and what comes out: documents, analysed documents, matches, reasons, fit labels."""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field


@dataclass
class Document:
    """What the matcher sees of a profile or an offer.

    ``title``: headline of a profile or title of an offer; ``skills``: one
    string per skill; ``text``: free text (about / description); ``lang``:
    "de", "en" or None (guessed from stop words)."""

    id: Hashable
    title: str = ""
    skills: Sequence[str] = ()
    text: str = ""
    lang: str | None = None

    def __post_init__(self):
        for name in ("title", "text"):
            value = getattr(self, name)
            if value is None:
                setattr(self, name, "")
            elif not isinstance(value, str):
                raise TypeError(f"Document.{name} must be a string, not {type(value).__name__}")
        skills = self.skills
        if skills is None:
            self.skills = ()
        elif isinstance(skills, (str, bytes)):
            raise TypeError("Document.skills must be a sequence of strings (one per skill), not one string")
        else:
            skills = tuple(skills)
            bad = next((s for s in skills if not isinstance(s, str)), None)
            if bad is not None:
                raise TypeError(f"Document.skills must hold strings, not {type(bad).__name__}")
            self.skills = skills
        if self.lang not in (None, "de", "en"):
            raise ValueError(f'Document.lang must be "de", "en" or None, not {self.lang!r}')


@dataclass
class Analysed:
    """A document analysed by :meth:`Matcher.analyse` (outside the matcher's
    lock): its units and direct features, and for the units the vocabulary
    did not hold yet their features with the ids known at the time
    (expanding a unit is the costly part)."""

    doc: Document
    units: dict
    direct: dict
    expansions: dict


@dataclass
class Reason:
    """One shared term behind a score: the query-side word, the
    candidate-side word, and the share of the score they carry (0..1)."""

    query_term: str
    candidate_term: str
    share: float
    # Set where the reason is shown to a company: which field of the graduate's pseudonymous card
    # the query's word met ("skills", "field_of_study", "headline"); candidate_term is then empty.
    card_field: str | None = None

    def as_dict(self) -> dict:
        out = {"query_term": self.query_term, "candidate_term": self.candidate_term, "share": self.share}
        if self.card_field is not None:
            out["card_field"] = self.card_field
        return out


@dataclass
class Match:
    id: Hashable
    score: float
    reasons: list[Reason] = field(default_factory=list)

    @property
    def label(self) -> str:
        return fit_label(self.score)


# Calibrated on the dev sets' top-10 scores (docs/matcher.md, "Fit labels"):
# from VERY_GOOD at least half of the results are the right occupation; from
# GOOD lies the upper half of the right occupations' scores.
VERY_GOOD = 0.45
GOOD = 0.18


def fit_label(score: float) -> str:
    """"very_good", "good" or "partial" for a matcher score."""
    if score >= VERY_GOOD:
        return "very_good"
    if score >= GOOD:
        return "good"
    return "partial"
