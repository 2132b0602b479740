"""What an offer asks of a graduate (German level, degree, kind, start): the matcher's hard conditions.

German level and degree come as a SQL clause and a Python check side by side: the offer list filters
with the clauses ("my German is B1": offers that need at most B1); the matcher's conditions use the
checks for one graduate and one offer. Both read the same rank tables (models), so the list and the
matcher cannot disagree about what is enough. The kind and the start are Python checks only.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from .models import DEGREE_RANK, LANGUAGE_LEVELS, Degree, GraduateProfile, Offer, OfferKind, cefr_rank

# The hard conditions, in the order they are shown.
CONDITIONS = ("kind", "german", "degree", "start")


def german_enough(required: str | None, held: str | None) -> bool:
    """The graduate's German meets the offer's minimum (no minimum: always)."""
    return cefr_rank(required) <= cefr_rank(held)


def german_clause(held: str | None) -> sa.ColumnElement[bool]:
    """Offers whose minimum German level `held` meets, or that ask for none."""
    enough = [level for level in LANGUAGE_LEVELS if german_enough(level, held)]
    return sa.or_(Offer.min_german_level.is_(None), Offer.min_german_level == "", Offer.min_german_level.in_(enough))


def degree_enough(required: Degree | None, held: Degree | None) -> bool:
    """The graduate's degree is at least the one the offer asks for (none asked: always)."""
    if required is None:
        return True
    return held is not None and DEGREE_RANK[held] >= DEGREE_RANK[required]


def degree_clause(held: Degree | None) -> sa.ColumnElement[bool]:
    """Offers that ask for `held`, a lower degree, or none."""
    enough = [degree for degree in DEGREE_RANK if degree_enough(degree, held)]
    return sa.or_(Offer.degree.is_(None), Offer.degree.in_(enough))


def lowest_german_above(held: str | None) -> str:
    """The first level that is more than `held` (A1 for no German): what an offer "needs or higher"."""
    return LANGUAGE_LEVELS[min(cefr_rank(held), len(LANGUAGE_LEVELS) - 1)]


def kind_wanted(kind: OfferKind, wanted) -> bool:
    """The offer is of a kind the graduate looks for (none named: every kind)."""
    return not wanted or kind.value in set(wanted)


def open_at_start(offer: Offer, earliest_start: date | None) -> bool:
    """The post does not end before the graduate can start; a post open until later still fits (no
    start given on either side: always)."""
    if not earliest_start or not offer.start_date:
        return True
    return (offer.end_date or offer.start_date) >= earliest_start
def german_held_clause(required: str | None) -> sa.ColumnElement[bool]:
    """Profiles whose German level meets `required` (the other way round from `german_clause`: one
    offer, many graduates)."""
    enough = [level for level in LANGUAGE_LEVELS if german_enough(required, level)]
    clause = GraduateProfile.german_level.in_(enough)
    if german_enough(required, None):
        clause = sa.or_(clause, GraduateProfile.german_level.is_(None), GraduateProfile.german_level == "")
    return clause


def degree_held_clause(required: Degree | None) -> sa.ColumnElement[bool]:
    """Profiles whose degree is at least `required` (none required: every profile)."""
    if required is None:
        return sa.true()
    return GraduateProfile.degree.in_([degree for degree in DEGREE_RANK if degree_enough(required, degree)])
