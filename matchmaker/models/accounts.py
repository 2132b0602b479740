"""People who log in: the user, their role, and their standing in a company."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ._base import _enum, utcnow

if TYPE_CHECKING:
    from .companies import Company
    from .graduates import GraduateProfile


class Role(str, enum.Enum):
    graduate = "graduate"
    company = "company"
    researcher = "researcher"
    staff = "staff"
    admin = "admin"
    board = "board"


class Membership(str, enum.Enum):
    """A company user's standing in their company."""

    pending = "pending"
    active = "active"


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
    # Where a registration came from, for the board's report: a `?src=` tag on the link, and the
    # domain (only) of the site that linked to the registration page.
    signup_source: Mapped[str | None] = mapped_column(sa.String(40))
    signup_referrer_domain: Mapped[str | None] = mapped_column(sa.String(100))
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
