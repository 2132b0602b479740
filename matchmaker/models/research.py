"""BTU research units: chairs, labs, institutes and student research groups, and who belongs to them."""

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


class Faculty(str, enum.Enum):
    """The six faculties of BTU Cottbus-Senftenberg."""

    mint = "mint"                                  # 1: mathematics, computer science, physics, EE and IT
    environment = "environment"                    # 2: environment and natural sciences
    engineering_energy = "engineering_energy"      # 3: mechanical engineering, electrical and energy systems
    social_health_music = "social_health_music"    # 4: social work, health and music
    business_law_society = "business_law_society"  # 5: business, law and society
    architecture_civil = "architecture_civil"      # 6: architecture, civil engineering and urban planning


class UnitKind(str, enum.Enum):
    chair = "chair"
    lab = "lab"
    institute = "institute"
    student_group = "student_group"


class ResearchUnit(db.Model):
    """A research unit's public profile: what it knows, how it works, what it has, what it looks for.

    Every text here is public once staff have verified the unit (the list, its page, the reasons a
    company is shown); the contact address may be a function address."""

    __tablename__ = "research_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    faculty: Mapped[Faculty] = mapped_column(_enum(Faculty), index=True)
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind, 16))
    head: Mapped[str] = mapped_column(sa.String(160), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    expertise: Mapped[str] = mapped_column(sa.Text, default="")
    methods: Mapped[str] = mapped_column(sa.Text, default="")
    equipment: Mapped[str] = mapped_column(sa.Text, default="")
    # The topics the unit wants to work on with industry, German and/or English, one per line or comma.
    topics: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    verified_at: Mapped[datetime | None] = mapped_column(index=True)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    is_demo: Mapped[bool] = mapped_column(default=False)

    members: Mapped[list[User]] = relationship(secondary="research_unit_member", order_by="User.id",
                                               viewonly=True)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def topic_list(self) -> list[str]:
        """The topics as single entries (split at line breaks, commas and semicolons)."""
        items, seen = [], set()
        for raw in (self.topics or "").replace(";", "\n").replace(",", "\n").splitlines():
            item = raw.strip()
            if item and item.casefold() not in seen:
                seen.add(item.casefold())
                items.append(item)
        return items

    def has_member(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and any(m.id == user.id for m in self.members)

    def __repr__(self) -> str:
        return f"<ResearchUnit {self.id}>"


class ResearchUnitMember(db.Model):
    """A researcher's membership in a unit; a person may belong to several units."""

    __tablename__ = "research_unit_member"

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("research_unit.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
