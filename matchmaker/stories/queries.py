"""Read-only questions about stories and news: the public lists, what a page shows about a company (or an
offer, an event, a research unit), the staff's list, and the stories that wait for a person's confirmation."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import (Company, Event, ResearchUnit, Story, StoryKind, StoryLink, StoryPerson, StoryStatus,
                      User)
from ..research.queries import verified_units


def public_stories(kind: StoryKind | None = None) -> sa.Select:
    """Published stories and news, the newest first: the one definition of "public story"."""
    select = db.select(Story).where(Story.status == StoryStatus.published)
    if kind is not None:
        select = select.where(Story.kind == kind)
    return select.order_by(Story.published_at.desc(), Story.id.desc())


def newest_stories(limit: int = 3, kind: StoryKind | None = StoryKind.story) -> list[Story]:
    """The newest public success stories, for the start page."""
    return list(db.session.scalars(public_stories(kind).limit(limit)))


def stories_about(target_column, target_id: int, limit: int = 10) -> list[Story]:
    """Public stories linked to one target: `target_column` is a column of StoryLink (company_id, offer_id,
    event_id, and any later one), so a new kind of target needs no new query."""
    linked = sa.select(StoryLink.story_id).where(target_column == target_id)
    return list(db.session.scalars(public_stories().where(Story.id.in_(linked)).limit(limit)))


def stories_about_company(company_id: int, limit: int = 10) -> list[Story]:
    return stories_about(StoryLink.company_id, company_id, limit)


def stories_about_offer(offer_id: int, limit: int = 10) -> list[Story]:
    return stories_about(StoryLink.offer_id, offer_id, limit)


def stories_about_event(event_id: int, limit: int = 10) -> list[Story]:
    return stories_about(StoryLink.event_id, event_id, limit)


def stories_about_unit(unit_id: int, limit: int = 10) -> list[Story]:
    return stories_about(StoryLink.research_unit_id, unit_id, limit)


def feed_stories(limit: int = 50) -> list[Story]:
    """What the Atom feed carries: the newest public stories and news."""
    return list(db.session.scalars(public_stories().limit(limit)))


def staff_stories(status: StoryStatus | None = None) -> sa.Select:
    """Every story for staff, the last changed first."""
    select = db.select(Story)
    if status is not None:
        select = select.where(Story.status == status)
    return select.order_by(Story.updated_at.desc(), Story.id.desc())


def story_people_of(user: User) -> list[StoryPerson]:
    """The stories that name or show this user, those still waiting for them first, then the newest."""
    return list(db.session.scalars(
        sa.select(StoryPerson).join(StoryPerson.story).where(StoryPerson.user_id == user.id)
        .order_by(StoryPerson.confirmed_at.is_not(None), StoryPerson.id.desc())))


def story_person(story: Story, user) -> StoryPerson | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(sa.select(StoryPerson).where(StoryPerson.story_id == story.id,
                                                          StoryPerson.user_id == user.id))


def stories_by_consent(consent_ids: list[int]) -> dict[int, int]:
    """Consent record id -> the id of the story it was given for (for links from "My consents")."""
    if not consent_ids:
        return {}
    rows = db.session.execute(sa.select(StoryPerson.consent_id, StoryPerson.story_id)
                              .where(StoryPerson.consent_id.in_(consent_ids)))
    return {consent_id: story_id for consent_id, story_id in rows}


def waiting_count(user) -> int:
    """How many stories wait for this user's confirmation (for a hint in their account)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(sa.select(sa.func.count(StoryPerson.id)).join(StoryPerson.story).where(
        StoryPerson.user_id == user.id, StoryPerson.confirmed_at.is_(None),
        Story.status == StoryStatus.awaiting_consent)) or 0


def users_by_emails(emails: list[str]) -> dict[str, User]:
    """Active accounts by normalised e-mail address."""
    if not emails:
        return {}
    return {user.email: user for user in db.session.scalars(
        sa.select(User).where(User.email.in_(emails), User.active.is_(True)))}


def linkable_companies() -> list[Company]:
    """Companies a story may be about: the verified ones."""
    return list(db.session.scalars(db.select(Company).where(Company.verified_at.is_not(None))
                                   .order_by(Company.name, Company.id)))


def linkable_events(limit: int = 200) -> list[Event]:
    """Events a story may be about: the latest ones, past or upcoming."""
    return list(db.session.scalars(db.select(Event).order_by(Event.starts_at.desc(), Event.id.desc()).limit(limit)))


def linkable_units() -> list[ResearchUnit]:
    """Research units a story may be about: the verified (public) ones."""
    return list(db.session.scalars(verified_units().order_by(ResearchUnit.name, ResearchUnit.id)))


def rows_by_ids(model, ids: list[int]) -> list:
    """The rows of `model` with these ids (the form has checked them against its choices)."""
    if not ids:
        return []
    return list(db.session.scalars(sa.select(model).where(model.id.in_(ids)).order_by(model.id)))
