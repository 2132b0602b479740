"""What goes into the matcher and what comes out: documents, analysed documents, matches, reasons, fit labels."""
from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field


FIELDS = ("title", "skills", "text")


@dataclass
class Document:
    """What the matcher sees of a profile or an offer.

    ``title``: headline of a profile or title of an offer; ``skills``: one
    string per skill; ``text``: free text (about / description); ``lang``:
    "de", "en" or None (guessed from stop words); ``field_langs``: the
    language of single fields where it differs from ``lang`` (a German
    headline over English skills), as ``(("title", "de"), ("skills", "en"))``:
    fields "title", "skills", "text"; a field named twice, once per
    language, is analysed both ways."""

    id: Hashable
    title: str = ""
    skills: Sequence[str] = ()
    text: str = ""
    lang: str | None = None
    field_langs: tuple[tuple[str, str], ...] = ()

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
        if self.field_langs is None:
            self.field_langs = ()
        else:
            pairs = tuple(tuple(pair) for pair in self.field_langs)
            for pair in pairs:
                if len(pair) != 2 or pair[0] not in FIELDS or pair[1] not in ("de", "en"):
                    raise ValueError(f"Document.field_langs holds (field, language) pairs of {FIELDS} and "
                                     f'"de" / "en", not {pair!r}')
            self.field_langs = pairs

    def langs_of(self, field_name: str, default: str) -> tuple[str, ...]:
        """The languages a field is analysed in: those ``field_langs`` names for it, else ``default``."""
        return tuple(lg for f, lg in self.field_langs if f == field_name) or (default,)


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
    # "very_good", "good" or "partial", set among the fits of one query by `label_fits`.
    label: str = "partial"


# Fit labels are relative to the fits one query gets from the live index (not
# thresholds on the score: a cross-lingual fit scores lower than two German
# titles written alike, and thresholds learned from an evaluation set's
# relevance labels called 28 of 30 right pairs of hand-written sets "partial").
# "good": among the best fifth of the query's fits (at least the best one);
# "very_good": a good fit whose score is at least 1.5 times the score of the
# best fit below the best fifth, so it stands clearly above the rest (both
# numbers are set, not learned from any evaluation set's relevance labels).
GOOD_SHARE = 0.2
VERY_GOOD_MARGIN = 1.5


def fit_labels(scores: Sequence[float]) -> list[str]:
    """Labels for the scores of all the fits one query gets, in the order shown (best first)."""
    n = len(scores)
    if n == 0:
        return []
    top = max(1, math.ceil(n * GOOD_SHARE - 1e-9))
    below = max(scores[top:]) if n > top else None  # the best fit below the best fifth
    labels = []
    for i, score in enumerate(scores):
        if i >= top:
            labels.append("partial")
        elif below is not None and score > 0 and score >= VERY_GOOD_MARGIN * below:
            labels.append("very_good")
        else:
            labels.append("good")
    return labels


def label_fits(matches: Sequence[Match]) -> None:
    """Set the label of each of one query's matches (best first), see `fit_labels`."""
    for match, label in zip(matches, fit_labels([m.score for m in matches])):
        match.label = label
