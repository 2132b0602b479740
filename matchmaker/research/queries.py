"""Read-only questions about research units: the public list and its facets, a researcher's units."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import (CLOSED_STATES, Faculty, Introduction, Offer, OfferKind, ResearchUnit, ResearchUnitMember,
                      User)

# The offers a unit is shown: the companies' research questions, and thesis topics a chair may hand out.
UNIT_OFFER_KINDS = (OfferKind.research_project, OfferKind.thesis)
SEARCH_FIELDS = ("name", "expertise", "methods", "equipment", "topics", "head")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def verified_units() -> sa.Select:
    """Every verified unit: the public definition, used by the list, the matcher and the company's view."""
    return sa.select(ResearchUnit).where(ResearchUnit.verified_at.is_not(None))


def public_units(filters: dict) -> sa.Select:
    """The public list: verified units by name, narrowed by words, faculty and topic."""
    select = verified_units()
    words = (filters.get("q") or "").split()[:8]
    for word in words:
        pattern = _like(word)
        select = select.where(sa.or_(*(getattr(ResearchUnit, name).ilike(pattern, escape="\\")
                                       for name in SEARCH_FIELDS)))
    if filters.get("faculty"):
        select = select.where(ResearchUnit.faculty == Faculty(filters["faculty"]))
    if filters.get("topic"):
        select = select.where(ResearchUnit.topics.ilike(_like(filters["topic"]), escape="\\"))
    return select.order_by(ResearchUnit.name, ResearchUnit.id)


def faculty_counts() -> dict[Faculty, int]:
    """How many verified units each faculty has (the faculty facet)."""
    rows = db.session.execute(sa.select(ResearchUnit.faculty, sa.func.count()).where(
        ResearchUnit.verified_at.is_not(None)).group_by(ResearchUnit.faculty))
    return {faculty: count for faculty, count in rows}


def topic_facet(limit: int = 30) -> list[tuple[str, int]]:
    """The topics verified units name most often, with their counts (the topic facet)."""
    counts: dict[str, tuple[str, int]] = {}
    for unit in db.session.scalars(verified_units()):
        for topic in unit.topic_list:
            key = topic.casefold()
            label, count = counts.get(key, (topic, 0))
            counts[key] = (label, count + 1)
    return sorted(counts.values(), key=lambda item: (-item[1], item[0].casefold()))[:limit]


def all_units() -> sa.Select:
    """Every unit for staff: unverified first, then by name."""
    return sa.select(ResearchUnit).order_by(ResearchUnit.verified_at.is_not(None), ResearchUnit.name,
                                            ResearchUnit.id)


def units_of(user: User) -> list[ResearchUnit]:
    """The units a researcher belongs to, by name."""
    return list(db.session.scalars(sa.select(ResearchUnit).join(
        ResearchUnitMember, ResearchUnitMember.unit_id == ResearchUnit.id).where(
        ResearchUnitMember.user_id == user.id).order_by(ResearchUnit.name, ResearchUnit.id)))


def is_member(unit: ResearchUnit, user: User) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ResearchUnitMember).where(
        ResearchUnitMember.unit_id == unit.id, ResearchUnitMember.user_id == user.id)) > 0


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == User.normalise_email(email)))


def unit_introductions(unit: ResearchUnit) -> sa.Select:
    """The unit's introductions, newest change first."""
    return sa.select(Introduction).where(Introduction.research_unit_id == unit.id).order_by(
        Introduction.updated_at.desc(), Introduction.id.desc())


def introductions_of_units(units: list[ResearchUnit]) -> sa.Select:
    """The introductions of any of the researcher's units, newest change first."""
    ids = [unit.id for unit in units] or [-1]
    return sa.select(Introduction).where(Introduction.research_unit_id.in_(ids)).order_by(
        Introduction.updated_at.desc(), Introduction.id.desc())


def open_unit_introduction(offer_id: int, unit_id: int) -> Introduction | None:
    """The introduction of this offer and unit that is not closed yet, if any."""
    return db.session.scalar(sa.select(Introduction).where(
        Introduction.offer_id == offer_id, Introduction.research_unit_id == unit_id,
        Introduction.state.not_in(list(CLOSED_STATES))))


def open_unit_pairs() -> set[tuple[int, int]]:
    """(offer id, unit id) of every unit introduction not closed."""
    rows = db.session.execute(sa.select(Introduction.offer_id, Introduction.research_unit_id).where(
        Introduction.state.not_in(list(CLOSED_STATES)), Introduction.offer_id.is_not(None),
        Introduction.research_unit_id.is_not(None)))
    return {(offer_id, unit_id) for offer_id, unit_id in rows}


def unit_offers(public_select: sa.Select, kind: str | None, kinds: tuple | None = None) -> list[Offer]:
    """The public offers a unit may be shown (research questions and thesis topics), of one kind if given."""
    wanted = [OfferKind(kind)] if kind else list(kinds or UNIT_OFFER_KINDS)
    return list(db.session.scalars(public_select.where(Offer.kind.in_(wanted))).unique())
