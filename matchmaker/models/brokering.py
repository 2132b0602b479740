"""Brokered contacts: the introduction and its double opt-in states, consents given for it, staff notes.

An introduction joins a company (about an offer) with one party: a graduate's profile or a research
unit. For a unit the party's answer is kept where a graduate's is (`graduate_accepted_at`, the state
`accepted_by_graduate`): the machine is the same, only who may answer for the party differs (the
graduate, or any member of the unit)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain import NotAllowed, NotPossible
from ..extensions import db
from ._base import _enum, utcnow
from .accounts import Role
from .offers import OfferKind

if TYPE_CHECKING:
    from .accounts import User
    from .companies import Company
    from .graduates import GraduateProfile
    from .offers import Offer
    from .research import ResearchUnit


class Side(str, enum.Enum):
    """The parties of an introduction (a graduate or a research unit, and a company), and staff who broker it."""

    graduate = "graduate"
    company = "company"
    staff = "staff"
    unit = "unit"


class IntroductionState(str, enum.Enum):
    proposed = "proposed"                      # waiting for both sides
    accepted_by_graduate = "accepted_by_graduate"  # waiting for the company
    accepted_by_company = "accepted_by_company"    # waiting for the graduate
    introduced = "introduced"                  # both said yes: contact data crosses
    interview = "interview"
    hired = "hired"
    internship = "internship"
    thesis = "thesis"
    project = "project"
    no_fit = "no_fit"
    # Outcomes of an introduction to a research unit.
    project_started = "project_started"
    funding_applied = "funding_applied"
    thesis_topic_given = "thesis_topic_given"
    declined = "declined"
    withdrawn = "withdrawn"
    expired = "expired"


WAITING_STATES = frozenset({IntroductionState.proposed, IntroductionState.accepted_by_graduate,
                            IntroductionState.accepted_by_company})
GRADUATE_OUTCOME_STATES = frozenset({IntroductionState.interview, IntroductionState.hired,
                                     IntroductionState.internship, IntroductionState.thesis,
                                     IntroductionState.project, IntroductionState.no_fit})
UNIT_OUTCOME_STATES = frozenset({IntroductionState.project_started, IntroductionState.funding_applied,
                                 IntroductionState.thesis_topic_given, IntroductionState.no_fit})
OUTCOME_STATES = GRADUATE_OUTCOME_STATES | UNIT_OUTCOME_STATES
ENDED_STATES = frozenset({IntroductionState.declined, IntroductionState.withdrawn, IntroductionState.expired})
CLOSED_STATES = frozenset({IntroductionState.declined, IntroductionState.withdrawn, IntroductionState.expired,
                           IntroductionState.hired, IntroductionState.internship, IntroductionState.thesis,
                           IntroductionState.project, IntroductionState.no_fit,
                           IntroductionState.project_started, IntroductionState.funding_applied,
                           IntroductionState.thesis_topic_given})


class Introduction(db.Model):
    """A brokered contact between a graduate or a research unit and a company (about an offer, or an open
    question)."""

    __tablename__ = "introduction"
    # One party at most: a graduate or a unit. Not "exactly one": erasing a graduate's profile sets
    # profile_id to NULL and keeps the introduction for the board's counts.
    __table_args__ = (sa.CheckConstraint("profile_id IS NULL OR research_unit_id IS NULL",
                                         name="graduate_or_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int | None] = mapped_column(sa.ForeignKey("graduate_profile.id", ondelete="SET NULL"),
                                                   index=True)
    research_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("research_unit.id", ondelete="SET NULL"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("company.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offer.id", ondelete="SET NULL"), index=True)
    started_by: Mapped[Side] = mapped_column(_enum(Side, 16))
    started_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    state: Mapped[IntroductionState] = mapped_column(_enum(IntroductionState), index=True)
    message_to_graduate: Mapped[str] = mapped_column(sa.Text, default="")
    message_to_company: Mapped[str] = mapped_column(sa.Text, default="")
    graduate_accepted_at: Mapped[datetime | None]
    company_accepted_at: Mapped[datetime | None]
    company_accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    introduced_at: Mapped[datetime | None]
    outcome_on: Mapped[date | None]
    closed_at: Mapped[datetime | None]
    closed_by_side: Mapped[Side | None] = mapped_column(_enum(Side, 16))
    # Why a side declined or withdrew: shown to staff only.
    close_reason: Mapped[str] = mapped_column(sa.Text, default="")
    reminded_graduate_at: Mapped[datetime | None]
    reminded_company_at: Mapped[datetime | None]
    # Kept after erasure of the graduate so the board's counts stay right.
    offer_kind: Mapped[OfferKind | None] = mapped_column(_enum(OfferKind))
    # What the company was shown of the graduate (card and reasons) when the introduction ended without
    # contact; it sees this, not the live card, from then on. Cleared when the graduate revokes a consent.
    card_snapshot: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    profile: Mapped[GraduateProfile | None] = relationship()
    research_unit: Mapped[ResearchUnit | None] = relationship()
    company: Mapped[Company] = relationship()
    offer: Mapped[Offer | None] = relationship()
    started_by_user: Mapped[User | None] = relationship(foreign_keys=[started_by_user_id])

    # ---- the double opt-in as a state machine ---------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES

    @property
    def ended_without_contact(self) -> bool:
        """Declined, withdrawn or expired: the company keeps only the card as it was then."""
        return self.state in ENDED_STATES

    @property
    def contacts_visible(self) -> bool:
        """Contact data crosses only after both said yes, and not after a withdrawal."""
        return self.introduced_at is not None and self.state not in ENDED_STATES

    @property
    def is_with_unit(self) -> bool:
        return self.research_unit_id is not None or self.research_unit is not None

    @property
    def party_side(self) -> Side:
        """The side opposite the company: the graduate, or the research unit."""
        return Side.unit if self.is_with_unit else Side.graduate

    @property
    def outcome_states(self) -> frozenset:
        """The outcomes staff may record for this kind of introduction."""
        return UNIT_OUTCOME_STATES if self.is_with_unit else GRADUATE_OUTCOME_STATES

    def side_of(self, user) -> Side | None:
        """Which side `user` takes in this introduction, or None."""
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        if user.role == Role.graduate and self.profile is not None and self.profile.user_id == user.id:
            return Side.graduate
        if (user.role == Role.researcher and self.research_unit is not None
                and self.research_unit.has_member(user)):
            return Side.unit
        company = user.active_company
        if company is not None and company.id == self.company_id:
            return Side.company
        if user.is_staff:
            return Side.staff
        return None

    def has_accepted(self, side: Side) -> bool:
        party = side in (Side.graduate, Side.unit)
        return (self.graduate_accepted_at if party else self.company_accepted_at) is not None

    def waiting_sides(self) -> list[Side]:
        """The sides whose answer the introduction waits for."""
        if self.state not in WAITING_STATES:
            return []
        return [side for side in (self.party_side, Side.company) if not self.has_accepted(side)]

    def waiting_since(self) -> datetime:
        """When the introduction last moved: the time its waiting side was asked."""
        times = [t for t in (self.created_at, self.graduate_accepted_at, self.company_accepted_at) if t]
        return max(times)

    def can_accept(self, user) -> bool:
        side = self.side_of(user)
        return side in (Side.graduate, Side.unit, Side.company) and side in self.waiting_sides()

    def can_decline(self, user) -> bool:
        return self.side_of(user) in (Side.graduate, Side.unit, Side.company) and self.state in WAITING_STATES

    def can_withdraw(self, user) -> bool:
        return (self.side_of(user) in (Side.graduate, Side.unit, Side.company)
                and self.state == IntroductionState.introduced)

    def can_record_outcome(self, user) -> bool:
        return self.side_of(user) == Side.staff and self.state in (IntroductionState.introduced,
                                                                    IntroductionState.interview)

    def can_expire(self, user=None) -> bool:
        return self.state in WAITING_STATES and (user is None or self.side_of(user) == Side.staff)

    def _party(self, user) -> Side:
        side = self.side_of(user)
        if side not in (Side.graduate, Side.unit, Side.company):
            raise NotAllowed("Only the graduate or the company can take this step.")
        return side

    def accept(self, by, now: datetime | None = None) -> Side:
        """One side says yes; when both have, the introduction is made. Returns the accepting side."""
        now = now or utcnow()
        side = self._party(by)
        if self.state not in WAITING_STATES:
            raise NotPossible("This introduction no longer waits for an answer.")
        if self.has_accepted(side):
            raise NotPossible("You have already accepted this introduction.")
        if side in (Side.graduate, Side.unit):
            self.graduate_accepted_at = now
        else:
            self.company_accepted_at = now
            self.company_accepted_by_id = by.id
        if self.graduate_accepted_at and self.company_accepted_at:
            self.state = IntroductionState.introduced
            self.introduced_at = now
        else:
            self.state = (IntroductionState.accepted_by_company if side == Side.company
                          else IntroductionState.accepted_by_graduate)
        return side

    def _close(self, state: IntroductionState, side: Side | None, reason: str, now: datetime) -> None:
        self.state = state
        self.closed_at = now
        self.closed_by_side = side
        self.close_reason = (reason or "").strip()

    def decline(self, by, reason: str = "", now: datetime | None = None) -> Side:
        """One side says no while the introduction waits."""
        side = self._party(by)
        if self.state not in WAITING_STATES:
            raise NotPossible("This introduction no longer waits for an answer.")
        self._close(IntroductionState.declined, side, reason, now or utcnow())
        return side

    def withdraw(self, by, reason: str = "", now: datetime | None = None, revocation: bool = False) -> Side:
        """One side steps back after the introduction, before an outcome.

        With `revocation` (the graduate, or the unit's last member who said yes, revoked their consent) any
        introduction not yet closed ends.
        """
        side = self._party(by)
        if revocation:
            if side not in (Side.graduate, Side.unit):
                raise NotAllowed("Only the graduate or a member of the unit can revoke their consent.")
            if not self.is_open:
                raise NotPossible("This introduction is already closed.")
        elif self.state != IntroductionState.introduced:
            raise NotPossible("Only an introduction that has been made and has no outcome yet "
                              "can be withdrawn.")
        self._close(IntroductionState.withdrawn, side, reason, now or utcnow())
        return side

    def record_outcome(self, by, state: IntroductionState, on_date: date, now: datetime | None = None) -> None:
        """Staff note what came of it; an interview may still move on to a final outcome."""
        if self.side_of(by) != Side.staff:
            raise NotAllowed("Only the Präsenzstelle records outcomes.")
        if state not in self.outcome_states:
            raise NotPossible("This is not an outcome.")
        if self.state not in (IntroductionState.introduced, IntroductionState.interview):
            raise NotPossible("An outcome can be recorded only after the introduction has been made.")
        if state == IntroductionState.interview and self.state == IntroductionState.interview:
            raise NotPossible("The interview is already recorded.")
        self.state = state
        self.outcome_on = on_date
        if state in CLOSED_STATES:
            self.closed_at = now or utcnow()
            self.closed_by_side = Side.staff

    def expire(self, now: datetime | None = None) -> None:
        """Close an introduction that waited too long for an answer."""
        if self.state not in WAITING_STATES:
            raise NotPossible("Only an introduction that waits for an answer can expire.")
        self._close(IntroductionState.expired, None, "", now or utcnow())

    def __repr__(self) -> str:
        return f"<Introduction {self.id} {self.state.value}>"


class ConsentRecord(db.Model):
    """What a person agreed to, when, with which text: kept as evidence, revocable."""

    __tablename__ = "consent_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    introduction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("introduction.id", ondelete="CASCADE"),
                                                        index=True)
    purpose: Mapped[str] = mapped_column(sa.String(40))  # introduction | findable | privacy
    text: Mapped[str] = mapped_column(sa.Text)
    text_version: Mapped[str] = mapped_column(sa.String(20), default="1")
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()
    introduction: Mapped[Introduction | None] = relationship()


class Note(db.Model):
    """A staff note on an introduction, a graduate's profile or a company."""

    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    introduction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("introduction.id", ondelete="CASCADE"),
                                                        index=True)
    profile_id: Mapped[int | None] = mapped_column(sa.ForeignKey("graduate_profile.id", ondelete="CASCADE"),
                                                   index=True)
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()
