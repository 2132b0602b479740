"""A company's feed of offers: a career page with JobPosting JSON-LD, or a JSON or XML job feed."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import _enum, utcnow

if TYPE_CHECKING:
    from .companies import Company


class FeedKind(str, enum.Enum):
    jsonld_page = "jsonld_page"
    json_feed = "json_feed"
    xml_feed = "xml_feed"


class FeedStatus(str, enum.Enum):
    new = "new"          # registered, not run yet
    ok = "ok"
    error = "error"


class OfferFeed(db.Model):
    __tablename__ = "offer_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(sa.String(2000))
    kind: Mapped[FeedKind] = mapped_column(_enum(FeedKind, 16))
    status: Mapped[FeedStatus] = mapped_column(_enum(FeedStatus, 8), default=FeedStatus.new)
    # Why the last run failed: a code the page words in the reader's language, and a short detail.
    error_code: Mapped[str] = mapped_column(sa.String(40), default="")
    error_detail: Mapped[str] = mapped_column(sa.String(300), default="")
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    # What the last successful run did.
    found_count: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    vanished_count: Mapped[int] = mapped_column(default=0)
    skipped_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    company: Mapped[Company] = relationship()

    def __repr__(self) -> str:
        return f"<OfferFeed {self.id} {self.kind.value} {self.status.value}>"
