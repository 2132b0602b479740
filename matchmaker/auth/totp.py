"""Time-based one-time codes (RFC 6238) for staff and admins. These flush but never commit."""

from __future__ import annotations

import hmac
import time

import pyotp
from flask import current_app

from ..extensions import db
from ..models import User, utcnow

# Codes from the step before and after the current one count too, for clocks that drift a little.
VALID_WINDOW = 1


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
