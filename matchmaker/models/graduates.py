"""The graduate's profile: studies, skills, languages, what they look for, and whether companies may find them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import Degree, _enum, cefr_rank, utcnow

if TYPE_CHECKING:
    from .accounts import User


class GraduateProfile(db.Model):
    __tablename__ = "graduate_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    headline: Mapped[str] = mapped_column(sa.String(160), default="")
    about: Mapped[str] = mapped_column(sa.Text, default="")
    study_programme: Mapped[str] = mapped_column(sa.String(160), default="")
    study_other: Mapped[str] = mapped_column(sa.String(160), default="")
    degree: Mapped[Degree | None] = mapped_column(_enum(Degree, 16))
    graduation_date: Mapped[date | None]
    skills: Mapped[list] = mapped_column(sa.JSON, default=list)
    # [{"language": "de", "level": "B2"}, ...]
    languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Kept in step with `languages` so that filters can query it.
    german_level: Mapped[str | None] = mapped_column(sa.String(8))
    wanted_kinds: Mapped[list] = mapped_column(sa.JSON, default=list)
    earliest_start: Mapped[date | None]
    places: Mapped[str] = mapped_column(sa.String(200), default="")
    cv_text: Mapped[str] = mapped_column(sa.Text, default="")
    # An uploaded CV (PDF), stored under a random name outside the static folder.
    cv_file: Mapped[str | None] = mapped_column(sa.String(80))
    cv_uploaded_at: Mapped[datetime | None]
    visible_to_companies: Mapped[bool] = mapped_column(default=False, index=True)
    consent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # indexed: the matcher's sync reads the rows changed since the version it follows (matching/index.py)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="profile")

    @property
    def pseudonym(self) -> str:
        """The name a company sees before an introduction: no name, no email."""
        return f"G-{self.id:05d}"

    @property
    def field_of_study(self) -> str:
        return self.study_programme or self.study_other

    def sync_german_level(self) -> None:
        levels = [entry.get("level") for entry in self.languages or [] if entry.get("language") == "de"]
        self.german_level = max(levels, key=cefr_rank) if levels else None

    def __repr__(self) -> str:
        return f"<GraduateProfile {self.id}>"
