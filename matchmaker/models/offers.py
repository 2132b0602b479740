"""What companies offer: jobs, internships, theses and more, with their publication status."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import Degree, _enum, utcnow

if TYPE_CHECKING:
    from .companies import Company


class OfferKind(str, enum.Enum):
    job = "job"
    internship = "internship"
    thesis = "thesis"
    working_student = "working_student"
    trainee = "trainee"
    research_project = "research_project"


class OfferStatus(str, enum.Enum):
    draft = "draft"
    published = "published"
    closed = "closed"
    expired = "expired"


class SalaryPeriod(str, enum.Enum):
    hour = "hour"
    month = "month"
    year = "year"


# The currencies an offer's pay may be given in; EUR is the default.
SALARY_CURRENCIES = ("EUR", "PLN", "CZK", "CHF", "GBP", "USD")


class Offer(db.Model):
    __tablename__ = "offer"
    __table_args__ = (sa.UniqueConstraint("feed_id", "feed_key", name="uq_offer_feed_key"),
                      # the public lists' order, newest first: the newest few are read without sorting all
                      sa.Index("ix_offer_newest", "published_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[OfferKind] = mapped_column(_enum(OfferKind), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    required_skills: Mapped[list] = mapped_column(sa.JSON, default=list)
    nice_skills: Mapped[list] = mapped_column(sa.JSON, default=list)
    fields_of_study: Mapped[list] = mapped_column(sa.JSON, default=list)
    degree: Mapped[Degree | None] = mapped_column(_enum(Degree, 16))
    min_german_level: Mapped[str | None] = mapped_column(sa.String(8))
    start_date: Mapped[date | None]
    duration_months: Mapped[int | None]
    place: Mapped[str] = mapped_column(sa.String(160), default="Industriepark Schwarze Pumpe")
    remote_share: Mapped[int] = mapped_column(default=0)  # percent of working time
    language: Mapped[str] = mapped_column(sa.String(5), default="de")
    status: Mapped[OfferStatus] = mapped_column(_enum(OfferStatus, 16), default=OfferStatus.draft, index=True)
    end_date: Mapped[date | None]
    published_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # indexed: the matcher's sync reads the rows changed since the version it follows (matching/index.py)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Pay range in cents of `salary_currency` per `salary_period` (pay transparency); all empty when not given.
    salary_min_cents: Mapped[int | None]
    salary_max_cents: Mapped[int | None]
    salary_currency: Mapped[str] = mapped_column(sa.String(3), default="EUR", server_default="EUR")
    salary_period: Mapped[SalaryPeriod | None] = mapped_column(_enum(SalaryPeriod, 8))
    # The person to ask; the function address and phone are shown publicly only while the offer is public.
    contact_name: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    contact_role: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    # Imported from a feed: the feed, the posting's stable key there (identifier or url), and since when the
    # posting is gone from the feed.
    feed_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offer_feed.id", ondelete="SET NULL"), index=True)
    feed_key: Mapped[str | None] = mapped_column(sa.String(500))
    feed_vanished_at: Mapped[datetime | None]

    company: Mapped[Company] = relationship(back_populates="offers")

    @property
    def is_public(self) -> bool:
        """Published, not past its expiry, and its company verified."""
        return (self.status == OfferStatus.published
                and (self.expires_at is None or self.expires_at > utcnow())
                and self.company is not None and self.company.verified_at is not None)

    @property
    def has_salary(self) -> bool:
        return self.salary_period is not None and (self.salary_min_cents is not None
                                                   or self.salary_max_cents is not None)

    def effective_status(self) -> OfferStatus:
        if self.status == OfferStatus.published and self.expires_at and self.expires_at <= utcnow():
            return OfferStatus.expired
        return self.status

    def expiry_for(self, published_at: datetime, default_days: int) -> datetime:
        """An offer ends on its end date, else after the default lifetime."""
        if self.end_date:
            return datetime.combine(self.end_date + timedelta(days=1), datetime.min.time())
        return published_at + timedelta(days=default_days)

    def __repr__(self) -> str:
        return f"<Offer {self.id} {self.kind.value} {self.status.value}>"
