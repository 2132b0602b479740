"""Success stories and news of the Präsenzstelle: the story, what it is about (companies, offers, events,
research units) and the people it names or shows, each of whom confirms it before it is published."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import _enum, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .brokering import ConsentRecord
    from .companies import Company
    from .events import Event
    from .offers import Offer
    from .research import ResearchUnit


class StoryKind(str, enum.Enum):
    story = "story"                              # a success story: a graduate who joined, a project
    news = "news"                                # events, calls for projects


class StoryStatus(str, enum.Enum):
    draft = "draft"
    awaiting_consent = "awaiting_consent"        # staff want it published; a person named has not confirmed yet
    published = "published"
    withdrawn = "withdrawn"                      # offline because a person named withdrew (or was erased)
    offline = "offline"                          # taken offline by staff


# Pages of these stories answer 410 Gone to the public: they were published once and are no more.
GONE_STATES = frozenset({StoryStatus.withdrawn, StoryStatus.offline})


class Story(db.Model):
    """A success story or a news item, in German and/or English."""

    __tablename__ = "story"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[StoryKind] = mapped_column(_enum(StoryKind, 16), index=True)
    status: Mapped[StoryStatus] = mapped_column(_enum(StoryStatus, 24), default=StoryStatus.draft, index=True)
    title_de: Mapped[str] = mapped_column(sa.String(200), default="")
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    summary_de: Mapped[str] = mapped_column(sa.String(500), default="")
    summary_en: Mapped[str] = mapped_column(sa.String(500), default="")
    body_de: Mapped[str] = mapped_column(sa.Text, default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    # The stored image's random name (see stories/images.py); None: no image.
    image: Mapped[str | None] = mapped_column(sa.String(64))
    image_alt_de: Mapped[str] = mapped_column(sa.String(300), default="")
    image_alt_en: Mapped[str] = mapped_column(sa.String(300), default="")
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    offline_at: Mapped[datetime | None]
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author: Mapped[User | None] = relationship()
    links: Mapped[list[StoryLink]] = relationship(back_populates="story", cascade="all, delete-orphan",
                                                  order_by="StoryLink.id")
    people: Mapped[list[StoryPerson]] = relationship(back_populates="story", cascade="all, delete-orphan",
                                                     order_by="StoryPerson.id")

    __table_args__ = (
        sa.CheckConstraint("title_de <> '' OR title_en <> ''", name="has_title"),
    )

    def _text(self, name: str, locale: str) -> str:
        de, en = getattr(self, f"{name}_de"), getattr(self, f"{name}_en")
        return (en or de) if locale == "en" else (de or en)

    def title(self, locale: str) -> str:
        """The title in `locale`, else in the other language."""
        return self._text("title", locale)

    def summary(self, locale: str) -> str:
        return self._text("summary", locale)

    def body(self, locale: str) -> str:
        return self._text("body", locale)

    def image_alt(self, locale: str) -> str:
        return self._text("image_alt", locale)

    def language_of(self, locale: str) -> str:
        """The language the text shown for `locale` is written in (for the `lang` attribute)."""
        if locale == "en":
            return "en" if self.title_en else "de"
        return "de" if self.title_de else "en"

    @property
    def is_public(self) -> bool:
        return self.status == StoryStatus.published

    @property
    def is_gone(self) -> bool:
        return self.status in GONE_STATES

    def names(self, user) -> bool:
        return any(person.user_id == getattr(user, "id", None) for person in self.people)

    def waiting_for(self) -> list[StoryPerson]:
        """The people named who have not (or no longer) confirmed the story."""
        return [person for person in self.people if not person.has_confirmed]

    def __repr__(self) -> str:
        return f"<Story {self.id} {self.kind.value} {self.status.value}>"


class StoryLink(db.Model):
    """One thing a story is about: exactly one of its target columns is set."""

    __tablename__ = "story_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("story.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    research_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("research_unit.id", ondelete="CASCADE"),
                                                         index=True)

    story: Mapped[Story] = relationship(back_populates="links")
    company: Mapped[Company | None] = relationship()
    offer: Mapped[Offer | None] = relationship()
    event: Mapped[Event | None] = relationship()
    research_unit: Mapped[ResearchUnit | None] = relationship()

    # The columns that name a target; a new kind of target adds its column here and in the check below.
    TARGETS = ("company_id", "offer_id", "event_id", "research_unit_id")

    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN company_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN offer_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN event_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN research_unit_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_target"),
    )


class StoryPerson(db.Model):
    """A user account a story names or shows. The story is published only once every one of them confirmed
    it (with a consent record); a withdrawal takes it offline at once."""

    __tablename__ = "story_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("story.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    consent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consent_record.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]

    story: Mapped[Story] = relationship(back_populates="people")
    user: Mapped[User] = relationship()
    consent: Mapped[ConsentRecord | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("story_id", "user_id"),)

    @property
    def has_confirmed(self) -> bool:
        return self.confirmed_at is not None and self.withdrawn_at is None
