"""The domain model: users, companies, graduate profiles, offers, the mail outbox."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .domain import NotAllowed, NotPossible
from .extensions import db


def utcnow() -> datetime:
    """Naive UTC now; all stored times are UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Role(str, enum.Enum):
    graduate = "graduate"
    company = "company"
    researcher = "researcher"
    staff = "staff"
    admin = "admin"
    board = "board"


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


class Degree(str, enum.Enum):
    bachelor = "bachelor"
    master = "master"
    diplom = "diplom"
    phd = "phd"


# Degrees in ascending order, for "at least this degree" filters.
DEGREE_RANK = {Degree.bachelor: 1, Degree.master: 2, Degree.diplom: 2, Degree.phd: 3}

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
# "native" counts above C2.
LANGUAGE_LEVELS = CEFR_LEVELS + ("native",)


def cefr_rank(level: str | None) -> int:
    """0 for none, 1..7 for A1..native."""
    if not level:
        return 0
    try:
        return LANGUAGE_LEVELS.index(level) + 1
    except ValueError:
        return 0


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


class Membership(str, enum.Enum):
    """A company user's standing in their company."""

    pending = "pending"
    active = "active"


def _enum(cls: type[enum.Enum], length: int = 32) -> sa.Enum:
    # Stored as plain strings (no native PG enum types) so that adding a value is a small migration.
    return sa.Enum(cls, native_enum=False, length=length, validate_strings=True,
                   values_callable=lambda e: [m.value for m in e])


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(_enum(Role), index=True)
    locale: Mapped[str] = mapped_column(sa.String(5), default="de")
    confirmed_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company.id"), index=True)
    membership: Mapped[Membership | None] = mapped_column(_enum(Membership, 16))
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Sessions: part of the login id; raising it ends every session and remember-me cookie.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Weekly mail of new fits (graduates: offers; company users: graduates), switched on by the user.
    alerts_enabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    alerts_last_week: Mapped[str | None] = mapped_column(sa.String(10))
    # GDPR: which privacy notice the person accepted, and retention of inactive accounts.
    privacy_version: Mapped[str | None] = mapped_column(sa.String(20))
    privacy_accepted_at: Mapped[datetime | None]
    retention_warned_at: Mapped[datetime | None]
    # Two-factor authentication (TOTP, staff and admins): a secret is pending until enabled_at is set;
    # last_step is the last time step accepted, so a code works only once.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    # Wrong codes at the second login step since the last right one, counted here and not in the
    # client's cookie; at totp.MAX_FAILED_CODES the step is locked until a password reset or an admin.
    totp_failed_attempts: Mapped[int] = mapped_column(default=0, server_default="0")

    company: Mapped[Company | None] = relationship(back_populates="users")
    profile: Mapped[GraduateProfile | None] = relationship(back_populates="user", uselist=False,
                                                            cascade="all, delete-orphan")

    @staticmethod
    def normalise_email(email: str) -> str:
        return (email or "").strip().lower()

    def set_password(self, password: str) -> None:
        from flask import current_app, has_app_context

        # scrypt with werkzeug's strong defaults; the test suite may name cheaper scrypt parameters.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """The login id Flask-Login keeps in the session and the remember-me cookie."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def has_totp(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.staff, Role.admin)

    @property
    def active_company(self) -> Company | None:
        """The company this user may act for (membership approved)."""
        if self.role == Role.company and self.membership == Membership.active:
            return self.company
        return None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


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
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
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


class Offer(db.Model):
    __tablename__ = "offer"

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
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    is_demo: Mapped[bool] = mapped_column(default=False)

    company: Mapped[Company] = relationship(back_populates="offers")

    @property
    def is_public(self) -> bool:
        """Published, not past its expiry, and its company verified."""
        return (self.status == OfferStatus.published
                and (self.expires_at is None or self.expires_at > utcnow())
                and self.company is not None and self.company.verified_at is not None)

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


class OutboxMessage(db.Model):
    """A mail waiting to be sent; in development and tests it stays here for reading."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    # Set for mails that must go out at most once (reminders, weekly alerts): a second queue_mail
    # with the same key finds the first and adds nothing.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(160), unique=True)
    # A list mail's one-click unsubscribe address (RFC 8058 List-Unsubscribe), set when it is queued.
    list_unsubscribe: Mapped[str | None] = mapped_column(sa.String(500))


class MatcherState(db.Model):
    """One row per matcher index; its version rises whenever a profile or an offer changes."""

    __tablename__ = "matcher_state"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Side(str, enum.Enum):
    """The two parties of an introduction, and staff who broker it."""

    graduate = "graduate"
    company = "company"
    staff = "staff"


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
    declined = "declined"
    withdrawn = "withdrawn"
    expired = "expired"


WAITING_STATES = frozenset({IntroductionState.proposed, IntroductionState.accepted_by_graduate,
                            IntroductionState.accepted_by_company})
OUTCOME_STATES = frozenset({IntroductionState.interview, IntroductionState.hired, IntroductionState.internship,
                            IntroductionState.thesis, IntroductionState.project, IntroductionState.no_fit})
ENDED_STATES = frozenset({IntroductionState.declined, IntroductionState.withdrawn, IntroductionState.expired})
CLOSED_STATES = frozenset({IntroductionState.declined, IntroductionState.withdrawn, IntroductionState.expired,
                           IntroductionState.hired, IntroductionState.internship, IntroductionState.thesis,
                           IntroductionState.project, IntroductionState.no_fit})


class Introduction(db.Model):
    """A brokered contact between a graduate and a company (about an offer, or an open question)."""

    __tablename__ = "introduction"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int | None] = mapped_column(sa.ForeignKey("graduate_profile.id", ondelete="SET NULL"),
                                                   index=True)
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

    def side_of(self, user) -> Side | None:
        """Which side `user` takes in this introduction, or None."""
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        if user.role == Role.graduate and self.profile is not None and self.profile.user_id == user.id:
            return Side.graduate
        company = user.active_company
        if company is not None and company.id == self.company_id:
            return Side.company
        if user.is_staff:
            return Side.staff
        return None

    def has_accepted(self, side: Side) -> bool:
        return (self.graduate_accepted_at if side == Side.graduate else self.company_accepted_at) is not None

    def waiting_sides(self) -> list[Side]:
        """The sides whose answer the introduction waits for."""
        if self.state not in WAITING_STATES:
            return []
        return [side for side in (Side.graduate, Side.company) if not self.has_accepted(side)]

    def waiting_since(self) -> datetime:
        """When the introduction last moved: the time its waiting side was asked."""
        times = [t for t in (self.created_at, self.graduate_accepted_at, self.company_accepted_at) if t]
        return max(times)

    def can_accept(self, user) -> bool:
        side = self.side_of(user)
        return side in (Side.graduate, Side.company) and side in self.waiting_sides()

    def can_decline(self, user) -> bool:
        return self.side_of(user) in (Side.graduate, Side.company) and self.state in WAITING_STATES

    def can_withdraw(self, user) -> bool:
        return self.side_of(user) in (Side.graduate, Side.company) and self.state == IntroductionState.introduced

    def can_record_outcome(self, user) -> bool:
        return self.side_of(user) == Side.staff and self.state in (IntroductionState.introduced,
                                                                    IntroductionState.interview)

    def can_expire(self, user=None) -> bool:
        return self.state in WAITING_STATES and (user is None or self.side_of(user) == Side.staff)

    def _party(self, user) -> Side:
        side = self.side_of(user)
        if side not in (Side.graduate, Side.company):
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
        if side == Side.graduate:
            self.graduate_accepted_at = now
        else:
            self.company_accepted_at = now
            self.company_accepted_by_id = by.id
        if self.graduate_accepted_at and self.company_accepted_at:
            self.state = IntroductionState.introduced
            self.introduced_at = now
        else:
            self.state = (IntroductionState.accepted_by_graduate if side == Side.graduate
                          else IntroductionState.accepted_by_company)
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

        With `revocation` (the graduate revoked their consent) any introduction not yet closed ends.
        """
        side = self._party(by)
        if revocation:
            if side != Side.graduate:
                raise NotAllowed("Only the graduate can revoke their consent.")
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
        if state not in OUTCOME_STATES:
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


class AuditEntry(db.Model):
    """Who looked at or changed whose personal data, when."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # The person whose data it is (a graduate's user id), for "who looked at my data".
    subject_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))  # e.g. view_profile, view_contact, introduction_accept
    object_type: Mapped[str] = mapped_column(sa.String(40), default="")
    object_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class AlertDelivery(db.Model):
    """One item (offer or graduate) sent in one person's alert mail: never sent to them twice."""

    __tablename__ = "alert_delivery"
    __table_args__ = (sa.UniqueConstraint("user_id", "item_type", "item_id", name="uq_alert_delivery_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    item_type: Mapped[str] = mapped_column(sa.String(20))  # offer | profile
    item_id: Mapped[int]
    week: Mapped[str] = mapped_column(sa.String(10))  # ISO week, e.g. 2026-W48
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
