"""What the board's report keeps besides the data it counts: page views per day, retention checks after a
hire, and the plan of measures with its figures and history."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import FieldOfAction, _enum, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .brokering import Introduction


class PageViewKind(str, enum.Enum):
    offer = "offer"
    company = "company"
    story = "story"


class PageView(db.Model):
    """Public views of one page on one day (Europe/Berlin), counted without cookies or personal data:
    no address, no user, no visitor id; only the number."""

    __tablename__ = "page_view"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    kind: Mapped[PageViewKind] = mapped_column(_enum(PageViewKind, 16))
    object_id: Mapped[int]
    count: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (sa.UniqueConstraint("day", "kind", "object_id"),)


RETENTION_MONTHS = (6, 12)


class RetentionCheck(db.Model):
    """Whether the graduate of a hire still works in the region, 6 or 12 months after it."""

    __tablename__ = "retention_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(sa.ForeignKey("introduction.id", ondelete="CASCADE"), index=True)
    months: Mapped[int]
    in_region: Mapped[bool]
    checked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    introduction: Mapped[Introduction] = relationship()
    checked_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("introduction_id", "months"),
                      sa.CheckConstraint("months IN (6, 12)", name="months_6_or_12"))


class MeasureStatus(str, enum.Enum):
    planned = "planned"
    running = "running"
    done = "done"
    dropped = "dropped"


class Measure(db.Model):
    """One measure of the board's plan. Its target is tied either to a metric of the report (`metric_key`,
    progress counted from the data in the measure's period) or, when `metric_key` is None, to figures that
    staff enter."""

    __tablename__ = "measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    field_of_action: Mapped[FieldOfAction] = mapped_column(_enum(FieldOfAction), index=True)
    # Free text: "Präsenzstelle", a company, a chair.
    owner: Mapped[str] = mapped_column(sa.String(160), default="")
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[MeasureStatus] = mapped_column(_enum(MeasureStatus, 16), default=MeasureStatus.planned,
                                                  index=True)
    comments: Mapped[str] = mapped_column(sa.Text, default="")
    # What is counted towards the target, in words ("internships started").
    target_label: Mapped[str] = mapped_column(sa.String(200), default="")
    target_value: Mapped[float]
    metric_key: Mapped[str | None] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    figures: Mapped[list[MeasureFigure]] = relationship(
        back_populates="measure", cascade="all, delete-orphan",
        order_by="(MeasureFigure.as_of.desc(), MeasureFigure.id.desc())")
    changes: Mapped[list[MeasureChange]] = relationship(
        back_populates="measure", cascade="all, delete-orphan",
        order_by="(MeasureChange.changed_at.desc(), MeasureChange.id.desc())")

    __table_args__ = (sa.CheckConstraint("period_end >= period_start", name="period_end_after_start"),)

    def __repr__(self) -> str:
        return f"<Measure {self.id} {self.status.value}>"


class MeasureFigure(db.Model):
    """A figure staff entered for a measure, as of a date, with where it comes from."""

    __tablename__ = "measure_figure"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    value: Mapped[float]
    as_of: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="figures")
    entered_by: Mapped[User | None] = relationship()


class MeasureChange(db.Model):
    """One line of a measure's history: who changed which field when, from what to what (as text)."""

    __tablename__ = "measure_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    field: Mapped[str] = mapped_column(sa.String(40))
    old_value: Mapped[str] = mapped_column(sa.Text, default="")
    new_value: Mapped[str] = mapped_column(sa.Text, default="")

    measure: Mapped[Measure] = relationship(back_populates="changes")
    changed_by: Mapped[User | None] = relationship()
