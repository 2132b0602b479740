"""The employers: a company, its sector and size."""

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
    from .offers import Offer


class Sector(str, enum.Enum):
    energy = "energy"
    hydrogen = "hydrogen"
    paper_packaging = "paper_packaging"
    chemicals = "chemicals"
    recycling = "recycling"
    plant_engineering = "plant_engineering"
    automation = "automation"
    logistics = "logistics"
    it = "it"
    construction = "construction"
    services = "services"
    research = "research"


class SizeBand(str, enum.Enum):
    micro = "1-9"
    small = "10-49"
    medium = "50-249"
    large = "250+"


class Company(db.Model):
    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    sector: Mapped[Sector] = mapped_column(_enum(Sector), index=True)
    size_band: Mapped[SizeBand | None] = mapped_column(_enum(SizeBand, 16))
    site: Mapped[str] = mapped_column(sa.String(160), default="Industriepark Schwarze Pumpe")
    about: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    verified_at: Mapped[datetime | None]
    rejected_at: Mapped[datetime | None]
    rejection_reason: Mapped[str] = mapped_column(sa.Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    users: Mapped[list[User]] = relationship(back_populates="company")
    offers: Mapped[list[Offer]] = relationship(back_populates="company", cascade="all, delete-orphan")

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def verification_state(self) -> str:
        if self.verified_at:
            return "verified"
        if self.rejected_at:
            return "rejected"
        return "pending"

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.name!r}>"
