"""What every model module shares: stored time, enum columns, and the ranks of degrees and language levels."""

from __future__ import annotations

import enum
from datetime import datetime, timezone

import sqlalchemy as sa


def utcnow() -> datetime:
    """Naive UTC now; all stored times are UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _enum(cls: type[enum.Enum], length: int = 32) -> sa.Enum:
    # Stored as plain strings (no native PG enum types) so that adding a value is a small migration.
    return sa.Enum(cls, native_enum=False, length=length, validate_strings=True,
                   values_callable=lambda e: [m.value for m in e])


class Degree(str, enum.Enum):
    bachelor = "bachelor"
    master = "master"
    diplom = "diplom"
    phd = "phd"


# Degrees in ascending order, for "at least this degree" filters.
DEGREE_RANK = {Degree.bachelor: 1, Degree.master: 2, Degree.diplom: 2, Degree.phd: 3}

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
# "native" counts above C2.
LANGUAGE_LEVELS = CEFR_LEVELS + ("native",)


def cefr_rank(level: str | None) -> int:
    """0 for none, 1..7 for A1..native."""
    if not level:
        return 0
    try:
        return LANGUAGE_LEVELS.index(level) + 1
    except ValueError:
        return 0


class FieldOfAction(str, enum.Enum):
    """The advisory board's five fields of action: every event, measure and figure of the report is filed
    under one."""

    qualification = "qualification"              # qualification and education
    innovation = "innovation"                    # innovation and knowledge transfer
    structural_change = "structural_change"
    on_site = "on_site"                          # BTU on site in Spremberg
    public_relations = "public_relations"
