from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..access import login_required
from ..extensions import db
from ..outbox import deliver_pending
from ..models import Role, User, utcnow
from . import operations
from .forms import ChangePasswordForm, CompanyRegisterForm, EmailOnlyForm, GraduateRegisterForm, LoginForm, ResetPasswordForm

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
    if user.role in (Role.staff, Role.admin):
        return url_for("admin.dashboard")
    return url_for("main.index")


def _locale() -> str:
    return str(get_locale() or "de")


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Graduates register here; companies have their own form."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = GraduateRegisterForm()
    if form.validate_on_submit():
        operations.register_graduate(form.email.data, form.password.data, _locale())
        db.session.commit()
        deliver_pending()
        flash(_("Almost done: we have sent you a link to confirm your email address."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form), (400 if form.errors else 200)


@bp.route("/register/company", methods=["GET", "POST"])
def register_company():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = CompanyRegisterForm()
    if form.validate_on_submit():
        join_id = int(form.existing_company.data) if form.mode.data == "join" else None
        operations.register_company_user(form.email.data, form.password.data, _locale(),
                                         company_name=form.company_name.data, sector=form.sector.data,
                                         join_company_id=join_id)
        db.session.commit()
        deliver_pending()
        flash(_("Almost done: we have sent you a link to confirm your email address."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/register_company.html", form=form), (400 if form.errors else 200)


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
    return redirect(url_for("auth.login"))


@bp.route("/confirm", methods=["GET", "POST"])
def resend_confirmation():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = db.session.scalar(db.select(User).where(User.email == User.normalise_email(form.email.data)))
        if user is not None and user.confirmed_at is None and user.active:
            operations.send_confirmation(user)
            db.session.commit()
            deliver_pending()
        flash(_("If an unconfirmed account exists for this address, we have sent a new link."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/resend.html", form=form), (400 if form.errors else 200)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(db.select(User).where(User.email == User.normalise_email(form.email.data)))
        if user is None or not user.check_password(form.password.data) or not user.active:
            form.password.errors.append(_("Email or password is wrong, or the account is deactivated."))
            return render_template("auth/login.html", form=form), 400
        if user.confirmed_at is None:
            flash(_("Please confirm your email address first. We can send you a new link."), "error")
            return redirect(url_for("auth.resend_confirmation"))
        session.clear()  # a fresh session at login, so an old session id never carries over
        login_user(user, remember=form.remember.data)
        user.last_login_at = utcnow()
        db.session.commit()
        target = request.args.get("next")
        return redirect(target if is_safe_next(target) else home_for(user))
    return render_template("auth/login.html", form=form), (400 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        operations.send_password_reset(form.email.data)
        db.session.commit()
        deliver_pending()
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
    if form.validate_on_submit():
        user.set_password(form.password.data)
        if user.confirmed_at is None:
            user.confirmed_at = utcnow()  # the link proved the address
        db.session.commit()
        flash(_("Your password has been changed. Please log in."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), (400 if form.errors else 200)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
            return render_template("auth/change_password.html", form=form), 400
        current_user.set_password(form.password.data)
        db.session.commit()
        flash(_("Your password has been changed."), "success")
        return redirect(home_for(current_user))
    return render_template("auth/change_password.html", form=form), (400 if form.errors else 200)
