from __future__ import annotations

from urllib.parse import urlsplit

import logging
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.security import check_password_hash, generate_password_hash

from ..access import login_required, role_required
from ..extensions import db
from ..forms import EmptyForm, redirect_with_form_errors, restore_form
from ..i18n import current_locale
from ..models import Role, User, utcnow
from ..security import (end_session, login_account_key, rate_limit, renew_session, security_event,
                        start_session)
from ..reports.operations import clean_source, record_signup_origin, referrer_domain
from . import operations, totp
from .forms import (ChangePasswordForm, CompanyRegisterForm, EmailOnlyForm, GraduateRegisterForm, LoginForm,
                    ResetPasswordForm, TotpCodeForm)

bp = Blueprint("auth", __name__)


def is_safe_next(target: str | None) -> bool:
    """Only paths on our own site: no scheme, no host, no protocol-relative '//' or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def home_for(user: User) -> str:
    if user.role == Role.graduate:
        return url_for("graduates.dashboard")
    if user.role == Role.company:
        return url_for("companies.dashboard")
    if user.is_staff:
        return url_for("admin.dashboard")
    if user.role == Role.board:
        return url_for("report.index")
    if user.role == Role.researcher:
        return url_for("research.mine")
    return url_for("main.index")


@bp.route("/register", methods=["GET", "POST"])
@rate_limit("RATELIMIT_REGISTER")
def register():
    """Graduates register here; companies have their own form."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = GraduateRegisterForm()
    _carry_origin(form)
    target = _safe_next()
    if form.validate_on_submit():
        if not _address_taken(form.email.data, form.password.data):
            user = operations.register_graduate(form.email.data, form.password.data, current_locale(), next_path=target)
            record_signup_origin(user, form.src.data, form.ref.data)
        return _registered(target)
    return render_template("auth/register.html", form=form, next=target), (400 if form.errors else 200)


def _safe_next() -> str | None:
    """The `?next=` path, if it is one on our own site; otherwise nothing."""
    target = request.args.get("next")
    return target if is_safe_next(target) else None


def _carry_origin(form) -> None:
    """On the registration page, note the `?src=` tag and the referring site's domain in the form's hidden
    fields, so that the registration carries them; nothing is kept if the visitor does not register."""
    if request.method == "GET":
        form.src.data = clean_source(request.args.get("src")) or ""
        form.ref.data = referrer_domain(request.referrer, request.host) or ""
    elif not form.src.data:
        form.src.data = clean_source(request.args.get("src")) or ""


def _address_taken(email: str, password: str) -> bool:
    """A known address gets a mail to its owner instead of a second account, and the same answer as a new one."""
    existing = operations.existing_account(email)
    if existing is None:
        return False
    operations.tell_owner_of_new_registration(existing)
    # A new account hashes its password: so does this answer, so that its time does not tell either.
    _check_password_in_constant_time(None, password)
    security_event("registration_for_existing_account", user=existing.id)
    return True


def _registered(target: str | None = None):
    db.session.commit()
    flash(_("Almost done: we have sent you a link to confirm your email address."), "success")
    return redirect(url_for("auth.login", **({"next": target} if target else {})))


@bp.route("/register/company", methods=["GET", "POST"])
@rate_limit("RATELIMIT_REGISTER")
def register_company():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = CompanyRegisterForm()
    _carry_origin(form)
    target = _safe_next()
    if form.validate_on_submit():
        if not _address_taken(form.email.data, form.password.data):
            join_id = int(form.existing_company.data) if form.mode.data == "join" else None
            user = operations.register_company_user(form.email.data, form.password.data, current_locale(),
                                                    company_name=form.company_name.data, sector=form.sector.data,
                                                    join_company_id=join_id, next_path=target)
            record_signup_origin(user, form.src.data, form.ref.data)
        return _registered(target)
    return render_template("auth/register_company.html", form=form, next=target), (400 if form.errors else 200)


@bp.route("/confirm/<token>")
def confirm(token: str):
    user = operations.confirm_token(token)
    if user is None:
        flash(_("This confirmation link is invalid or has expired. Request a new one below."), "error")
        return redirect(url_for("auth.resend_confirmation"))
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        db.session.commit()
    flash(_("Your email address is confirmed. Please log in."), "success")
    target = _safe_next()
    return redirect(url_for("auth.login", **({"next": target} if target else {})))


@bp.route("/confirm", methods=["GET", "POST"])
@rate_limit("RATELIMIT_RESEND")
def resend_confirmation():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = db.session.scalar(db.select(User).where(User.email == User.normalise_email(form.email.data)))
        if user is not None and user.confirmed_at is None and user.active:
            operations.send_confirmation(user)
            db.session.commit()
        flash(_("If an unconfirmed account exists for this address, we have sent a new link."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/resend.html", form=form), (400 if form.errors else 200)


# One hash per hashing method, made on first use, to check against when no account has the email.
_dummy_hashes: dict[str, str] = {}


def _check_password_in_constant_time(user: User | None, password: str) -> bool:
    """Hash the password even when no user has this email, so the answer time does not tell."""
    if user is None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        if method not in _dummy_hashes:
            _dummy_hashes[method] = generate_password_hash("no account has this password", method=method)
        check_password_hash(_dummy_hashes[method], password)
        return False
    return user.check_password(password)


# A password step waits this long for its second factor.
PENDING_LOGIN_SECONDS = 300


@bp.route("/login", methods=["GET", "POST"])
@rate_limit("RATELIMIT_LOGIN")
@rate_limit("RATELIMIT_LOGIN_ACCOUNT", key_func=login_account_key)
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = User.normalise_email(form.email.data)
        user = db.session.scalar(db.select(User).where(User.email == email))
        password_ok = _check_password_in_constant_time(user, form.password.data)
        if user is None or not password_ok or not user.active:
            reason = "unknown_email" if user is None else ("wrong_password" if not password_ok else "inactive")
            security_event("login_failed", logging.WARNING, email=email, reason=reason)
            form.password.errors.append(_("Email or password is wrong, or the account is deactivated."))
            return render_template("auth/login.html", form=form), 400
        if user.confirmed_at is None:
            security_event("login_failed", logging.WARNING, email=email, reason="unconfirmed")
            flash(_("Please confirm your email address first. We can send you a new link."), "error")
            return redirect(url_for("auth.resend_confirmation"))
        target = _safe_next()
        if user.has_totp and totp.is_locked(user):
            security_event("login_failed", logging.WARNING, user=user.id, email=email, reason="two_factor_locked")
            return _two_factor_locked()
        if user.has_totp:
            # Not logged in yet: the password step only names the user who must now give a code.
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            session["_pending_login"] = {"user": user.id, "version": user.session_version or 0,
                                         "remember": bool(form.remember.data), "next": target,
                                         "at": int(time.time())}
            security_event("login_password_ok", user=user.id, email=email, second_factor="totp")
            return redirect(url_for("auth.two_factor_login"))
        start_session(user, remember=form.remember.data)
        db.session.commit()
        return redirect(target or home_for(user))
    if request.method == "POST":
        email = request.form.get("email", "")
        security_event("login_failed", logging.WARNING, email=User.normalise_email(email)[:254],
                       reason="invalid_input")
    return render_template("auth/login.html", form=form), (400 if form.errors else 200)


def _pending_login() -> tuple[User | None, dict]:
    pending = session.get("_pending_login")
    if not isinstance(pending, dict) or int(time.time()) - int(pending.get("at", 0)) > PENDING_LOGIN_SECONDS:
        return None, {}
    user = db.session.get(User, pending.get("user"))
    if (user is None or not user.active or not user.has_totp
            or (user.session_version or 0) != pending.get("version")):
        return None, {}
    return user, pending


def _two_factor_locked():
    """Where a locked second step sends the user: the password reset, which unlocks it."""
    session.pop("_pending_login", None)
    flash(_("Too many wrong codes: two-factor login for this account is locked, and we have sent a mail to "
            "the account's address. Reset your password here to unlock it, or ask an admin of the "
            "Präsenzstelle."), "error")
    return redirect(url_for("auth.forgot_password"))


@bp.route("/login/code", methods=["GET", "POST"])
@rate_limit("RATELIMIT_TWO_FACTOR")
def two_factor_login():
    """The second login step for accounts with two-factor authentication."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    user, pending = _pending_login()
    if user is None:
        session.pop("_pending_login", None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    if totp.is_locked(user):
        security_event("login_failed", logging.WARNING, user=user.id, reason="two_factor_locked")
        return _two_factor_locked()
    form = TotpCodeForm()
    if form.validate_on_submit():
        if totp.login_with_code(user, form.code.data):
            session.pop("_pending_login", None)
            start_session(user, remember=pending.get("remember", False))
            db.session.commit()
            return redirect(pending.get("next") or home_for(user))
        db.session.commit()  # the count of wrong codes, kept on the account
        security_event("login_failed", logging.WARNING, user=user.id, reason="wrong_code",
                       failed_codes=user.totp_failed_attempts)
        if totp.is_locked(user):
            security_event("two_factor_locked", logging.WARNING, user=user.id)
            return _two_factor_locked()
        form.code.errors.append(_("This code is wrong or has already been used. Please enter the current code."))
        return render_template("auth/two_factor_login.html", form=form), 400
    return render_template("auth/two_factor_login.html", form=form), (400 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    end_session()
    db.session.commit()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
@rate_limit("RATELIMIT_PASSWORD_RESET")
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        operations.send_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account exists for this address, we have sent a link to reset the password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), (400 if form.errors else 200)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = operations.user_for_reset_token(token)
    if user is None:
        flash(_("This reset link is invalid or has expired. Request a new one."), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        operations.set_new_password(user, form.password.data)
        if user.confirmed_at is None:
            user.confirmed_at = utcnow()  # the link proved the address
        security_event("password_reset", user=user.id)
        db.session.commit()
        flash(_("Your password has been changed. Please log in."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), (400 if form.errors else 200)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            security_event("password_change_failed", logging.WARNING, user=current_user.id,
                           reason="wrong_current_password")
            form.current_password.errors.append(_("The current password is wrong."))
            return render_template("auth/change_password.html", form=form), 400
        user = current_user._get_current_object()
        operations.set_new_password(user, form.password.data)
        renew_session(user)
        security_event("password_changed", user=user.id)
        db.session.commit()
        flash(_("Your password has been changed."), "success")
        return redirect(home_for(current_user))
    return render_template("auth/change_password.html", form=form), (400 if form.errors else 200)


# ---- two-factor authentication (staff and admins) ---------------------------------------------

@bp.route("/2fa", methods=["GET", "POST"])
@role_required(Role.staff)
def two_factor():
    """Status; while a secret is pending, the secret and a form to confirm it with a code."""
    user = current_user._get_current_object()
    form = TotpCodeForm() if request.method == "POST" else restore_form(TotpCodeForm, "totp_disable")
    if request.method == "POST" and not user.has_totp and user.totp_secret:
        if form.validate_on_submit():
            if totp.enable(user, form.code.data):
                security_event("two_factor_enabled", user=user.id)
                db.session.commit()
                flash(_("Two-factor authentication is on. You will be asked for a code at every login."),
                      "success")
                return redirect(url_for("auth.two_factor"))
            form.code.errors.append(_("This code is wrong or has already been used. Please enter the current code."))
    elif request.method == "POST":
        return redirect(url_for("auth.two_factor"))
    uri = totp.provisioning_uri(user) if user.totp_secret and not user.has_totp else None
    return render_template("auth/two_factor.html", form=form, user=user, otpauth_uri=uri,
                           setup_form=EmptyForm(), required=current_app.config.get("REQUIRE_2FA_FOR_STAFF")), \
        (400 if request.method == "POST" and form.errors else 200)


@bp.route("/2fa/setup", methods=["POST"])
@role_required(Role.staff)
def two_factor_setup():
    """A new secret to enrol (replaces a pending one; not allowed while two-factor login is on)."""
    user = current_user._get_current_object()
    form = EmptyForm()
    if form.validate_on_submit() and not user.has_totp:
        totp.start_enrolment(user)
        db.session.commit()
    return redirect(url_for("auth.two_factor"))


@bp.route("/2fa/disable", methods=["POST"])
@role_required(Role.staff)
def two_factor_disable():
    user = current_user._get_current_object()
    form = TotpCodeForm()
    if not user.has_totp:
        return redirect(url_for("auth.two_factor"))
    if current_app.config.get("REQUIRE_2FA_FOR_STAFF"):
        form.validate()
        form.code.errors = [_("Two-factor authentication is required for staff accounts and cannot be turned off.")]
    elif form.validate_on_submit():
        if totp.disable(user, form.code.data):
            security_event("two_factor_disabled", user=user.id)
            db.session.commit()
            flash(_("Two-factor authentication is off."), "info")
            return redirect(url_for("auth.two_factor"))
        form.code.errors.append(_("This code is wrong or has already been used. Please enter the current code."))
    return redirect_with_form_errors(form, "totp_disable", url_for("auth.two_factor"))
