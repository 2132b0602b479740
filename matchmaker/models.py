"""The domain model: users, companies, graduate profiles, offers, the mail outbox."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

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
    # Two-factor authentication (TOTP, staff and admins): a secret is pending until enabled_at is set;
    # last_step is the last time step accepted, so a code works only once.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]

    company: Mapped[Company | None] = relationship(back_populates="users")
    profile: Mapped[GraduateProfile | None] = relationship(back_populates="user", uselist=False,
                                                            cascade="all, delete-orphan")

    @staticmethod
    def normalise_email(email: str) -> str:
        return (email or "").strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

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


class MatcherState(db.Model):
    """One row per matcher index; its version rises whenever a profile or an offer changes."""

    __tablename__ = "matcher_state"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
