"""Time-based one-time codes (RFC 6238) for staff and admins. These flush but never commit."""

from __future__ import annotations

import hmac
import time

import pyotp
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import User, utcnow
from ..outbox import external_url, queue_mail

# Codes from the step before and after the current one count too, for clocks that drift a little.
VALID_WINDOW = 1
# Wrong codes at the login step after which it is locked, until a password reset or an admin unlocks it.
MAX_FAILED_CODES = 5


def provisioning_uri(user: User) -> str:
    """The otpauth:// URI an authenticator app reads (typed in or from a QR code)."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config.get("TOTP_ISSUER", "Matchmaker"))


def start_enrolment(user: User) -> None:
    """A new secret, pending until the user proves with a code that the app has it."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.flush()


def accept_code(user: User, code: str, now: float | None = None) -> bool:
    """Check a code against the user's secret; each time step is accepted once only (no replay)."""
    if not user.totp_secret or not code:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = int((now if now is not None else time.time()) // totp.interval)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            db.session.flush()
            return True
    return False


def enable(user: User, code: str) -> bool:
    """Turn two-factor login on once a code from the pending secret is right."""
    if user.totp_secret is None or user.has_totp or not accept_code(user, code):
        return False
    user.totp_enabled_at = utcnow()
    db.session.flush()
    return True


def disable(user: User, code: str) -> bool:
    """Turn two-factor login off; needs a valid code."""
    if not user.has_totp or not accept_code(user, code):
        return False
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.flush()
    return True


def is_locked(user: User) -> bool:
    """Too many wrong codes at the login step: no code is accepted until the lock is lifted."""
    return (user.totp_failed_attempts or 0) >= MAX_FAILED_CODES


def login_with_code(user: User, code: str) -> bool:
    """The second login step: a right code clears the count of wrong ones, a wrong one adds to it.

    The count lives on the account, so a replayed cookie from the password step does not reset it.
    Each try is counted before the code is checked, in one UPDATE that only succeeds below the limit,
    so that parallel requests cannot each read the same count and guess more often between them.
    The wrong code that reaches MAX_FAILED_CODES locks the step and tells the account's owner by mail.
    """
    counted = db.session.execute(
        sa.update(User).where(User.id == user.id, User.totp_failed_attempts < MAX_FAILED_CODES)
        .values(totp_failed_attempts=User.totp_failed_attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(user, ["totp_failed_attempts"])
    if not counted:
        return False
    if accept_code(user, code):
        user.totp_failed_attempts = 0
        db.session.flush()
        return True
    if is_locked(user):
        queue_mail(user.email, _l("Two-factor login locked"), "two_factor_locked", locale=user.locale,
                   kind="two_factor_locked", attempts=user.totp_failed_attempts,
                   link=external_url("auth.forgot_password"))
    return False


def unlock(user: User) -> bool:
    """Lift the lock of the login step (after a password reset, or by an admin)."""
    if not user.totp_failed_attempts:
        return False
    user.totp_failed_attempts = 0
    db.session.flush()
    return True
