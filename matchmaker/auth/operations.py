"""Accounts: registration, confirmation, password reset. These flush but never commit."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import db
from ..gdpr.operations import accept_privacy_notice
from ..models import Company, Membership, Role, Sector, User, utcnow
from ..names import normalise_name
from ..outbox import external_url, queue_mail
from ..security import end_all_sessions


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def create_user(email: str, password: str, role: Role, locale: str = "de", confirmed: bool = False) -> User:
    user = User(email=User.normalise_email(email), role=role, locale=locale if locale in ("de", "en") else "de")
    user.set_password(password)
    if confirmed:
        user.confirmed_at = utcnow()
    db.session.add(user)
    db.session.flush()
    return user


def existing_account(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == User.normalise_email(email)))


def tell_owner_of_new_registration(user: User) -> None:
    """Someone registered with an address that has an account: tell its owner, and nobody else.

    At most one such mail per account and day, so the form cannot be used to flood someone's inbox.
    """
    if not user.active:
        return
    queue_mail(user.email, _l("Someone tried to register with your address"), "register_existing",
               locale=user.locale, kind="register_existing",
               dedupe_key=f"register-existing:{user.id}:{utcnow().date().isoformat()}",
               login_link=external_url("auth.login"), reset_link=external_url("auth.forgot_password"))


def register_graduate(email: str, password: str, locale: str, *, next_path: str | None = None) -> User:
    user = create_user(email, password, Role.graduate, locale)
    accept_privacy_notice(user)
    send_confirmation(user, next_path=next_path)
    return user


def register_company_user(email: str, password: str, locale: str, *, company_name: str | None = None,
                          sector: str | None = None, join_company_id: int | None = None,
                          next_path: str | None = None) -> User:
    """A new company (pending verification) with this user, or a request to join an existing one."""
    user = create_user(email, password, Role.company, locale)
    accept_privacy_notice(user)
    if join_company_id is not None:
        user.company = db.session.get(Company, join_company_id)
        user.membership = Membership.pending
    else:
        # No public contact yet: the registrant's own address is personal data, not the company's to publish.
        # The company enters a function address (karriere@…) on its profile if it wants one shown.
        company = Company(name=normalise_name(company_name), sector=Sector(sector), contact_email="")
        db.session.add(company)
        user.company = company
        user.membership = Membership.active
    db.session.flush()
    send_confirmation(user, next_path=next_path)
    return user


def send_confirmation(user: User, next_path: str | None = None) -> None:
    """The confirmation mail; `next_path` (already checked as a path on our site) rides along on the link,
    so that the visitor comes back to the page they registered from."""
    token = _serializer("confirm").dumps({"id": user.id, "email": user.email})
    link = external_url("auth.confirm", token=token, **({"next": next_path} if next_path else {}))
    queue_mail(user.email, _l("Please confirm your email address"), "confirm", locale=user.locale,
               kind="confirm", link=link, user=user)


def confirm_token(token: str) -> User | None:
    """The user a valid confirmation token names, or None."""
    try:
        data = _serializer("confirm").loads(token, max_age=current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("email"):
        return None
    return user


def send_password_reset(email: str) -> None:
    """Mail a reset link if the address belongs to an active account; say nothing either way."""
    user = db.session.scalar(db.select(User).where(User.email == User.normalise_email(email)))
    if user is None or not user.active:
        return
    # The token carries part of the current hash, so it works once: a new password voids it.
    token = _serializer("reset").dumps({"id": user.id, "h": user.password_hash[-16:]})
    link = external_url("auth.reset_password", token=token)
    queue_mail(user.email, _l("Reset your password"), "reset", locale=user.locale, kind="reset", link=link)


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _serializer("reset").loads(token, max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.active or user.password_hash[-16:] != data.get("h"):
        return None
    return user


def set_new_password(user: User, password: str) -> None:
    """A new password ends every session of the user (the caller renews the current one if it should stay)."""
    user.set_password(password)
    # The reset link proved the address: a second login step locked by wrong codes opens again.
    user.totp_failed_attempts = 0
    end_all_sessions(user)
