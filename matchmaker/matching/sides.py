"""Which side is matched against which: the engine's pairing table.

A side is a named corpus (``"offers"``, ``"profiles"``; research units are
one more registration).  A pair ``(a, b)`` means documents of ``a`` are
ranked for documents of ``b`` and the other way round; the hub values of a
side are kept per side it is paired with (see hubness.py).
"""
from __future__ import annotations

from collections.abc import Iterable

# offers are ranked for profiles and profiles for offers
OFFERS_PROFILES: tuple[tuple[str, str], ...] = (("offers", "profiles"),)


class Pairing:
    """The registered sides, in order of registration, and each side's partners."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = OFFERS_PROFILES):
        self.pairs: tuple[tuple[str, str], ...] = tuple((a, b) for a, b in pairs)
        partners: dict[str, list[str]] = {}
        for a, b in self.pairs:
            if a == b:
                raise ValueError(f"a side is not matched against itself: {a!r}")
            for side in (a, b):
                partners.setdefault(side, [])
            if b in partners[a]:
                raise ValueError(f"pair registered twice: {a!r}, {b!r}")
            partners[a].append(b)
            partners[b].append(a)
        self.sides: tuple[str, ...] = tuple(partners)
        self.partners: dict[str, tuple[str, ...]] = {s: tuple(p) for s, p in partners.items()}

    def directions(self) -> list[tuple[str, str]]:
        """Every (candidate side, query side) that is ranked, side by side."""
        return [(side, other) for side in self.sides for other in self.partners[side]]

    def partner(self, side: str, given: str | None = None) -> str:
        """The side matched against ``side``: ``given`` when it is one of its
        partners, else its only partner."""
        partners = self.partners.get(side)
        if partners is None:
            raise KeyError(f"no such side: {side!r}")
        if given is not None:
            if given not in partners:
                raise ValueError(f"{given!r} is not matched against {side!r}")
            return given
        if len(partners) != 1:
            raise ValueError(f"{side!r} is matched against {', '.join(partners)}: name one")
        return partners[0]
