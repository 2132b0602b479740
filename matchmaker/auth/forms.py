from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Regexp, ValidationError

from ..catalog import SECTOR_LABELS, choices
from ..extensions import db
from ..forms import BaseForm, PlainName, name_filter
from ..models import Company
from .passwords import NotCommonPassword

PASSWORD_MIN = 12
PASSWORD_MAX = 128


def _password_field(label):
    return PasswordField(label, validators=[
        InputRequired(_l("Please enter a password.")),
        Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
               message=_l("The password must have %(min)d to %(max)d characters.",
                          min=PASSWORD_MIN, max=PASSWORD_MAX)),
        NotCommonPassword(),
    ])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _email_field():
    return EmailField(_l("Email"), filters=[_strip], validators=[
        InputRequired(_l("Please enter your email address.")),
        Length(max=254, message=_l("The email address is too long.")),
        Email(message=_l("Please enter a valid email address."), check_deliverability=False),
    ])


def _origin_filter(value):
    # Carried from the registration page's link; cut to size here, checked where it is stored.
    return value.strip()[:120] if isinstance(value, str) else None


class _NewAccount(BaseForm):
    email = _email_field()
    # Where the registration came from (a `?src=` tag, the referring domain), for the board's report.
    src = HiddenField(filters=[_origin_filter])
    ref = HiddenField(filters=[_origin_filter])
    password = _password_field(_l("Password (at least 12 characters)"))
    password_again = PasswordField(_l("Password again"), validators=[
        InputRequired(_l("Please repeat the password.")),
        EqualTo("password", message=_l("The passwords do not match.")),
    ])
    accept_privacy = BooleanField(_l("I have read the privacy notice."),
                                  validators=[InputRequired(_l("Please confirm that you have read the privacy notice."))])
    # No check whether the address is taken: the answer would tell anyone who has an account. The view
    # answers alike either way and mails the owner of a known address (operations.tell_owner_of_new_registration).


class GraduateRegisterForm(_NewAccount):
    pass


class CompanyRegisterForm(_NewAccount):
    mode = RadioField(_l("Company"), choices=[("new", _l("Register a new company")),
                                              ("join", _l("Join a company already registered"))],
                      default="new", validators=[InputRequired(_l("Please choose one."))])
    company_name = StringField(_l("Company name"), filters=[name_filter], validators=[
        Length(max=160, message=_l("At most %(max)d characters.", max=160)), PlainName()])
    sector = SelectField(_l("Sector"), choices=choices(SECTOR_LABELS, blank=_l("— choose —")),
                         default="")
    existing_company = SelectField(_l("Existing company"), coerce=str, default="", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only companies the Präsenzstelle has verified: this list is public, and an unverified name is
        # anyone's claim (a look-alike of a real company, say).
        companies = db.session.execute(
            db.select(Company.id, Company.name)
            .where(Company.verified_at.is_not(None), Company.rejected_at.is_(None)).order_by(Company.name)
        ).all()
        self.existing_company.choices = [("", _l("— choose —"))] + [(str(cid), name) for cid, name in companies]

    def validate_company_name(self, field):
        if self.mode.data != "new":
            return
        name = field.data or ""
        if not name:
            raise ValidationError(_l("Please enter the company's name."))
        if db.session.scalar(db.select(Company.id).where(db.func.lower(Company.name) == name.lower())):
            raise ValidationError(_l("This company is already registered: choose “Join a company already registered”."))

    def validate_sector(self, field):
        if self.mode.data == "new" and not field.data:
            raise ValidationError(_l("Please choose the sector."))

    def validate_existing_company(self, field):
        if self.mode.data != "join":
            return
        valid = {value for value, _label in field.choices if value}
        if field.data not in valid:
            raise ValidationError(_l("Please choose the company you want to join."))


class LoginForm(BaseForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[
        InputRequired(_l("Please enter a password.")), Length(max=PASSWORD_MAX)])
    remember = BooleanField(_l("Stay logged in on this device"))


class EmailOnlyForm(BaseForm):
    email = _email_field()


class ResetPasswordForm(BaseForm):
    """Set `account_email` on the form so that the password check can compare with it."""

    account_email: str | None = None
    password = _password_field(_l("New password (at least 12 characters)"))
    password_again = PasswordField(_l("New password again"), validators=[
        InputRequired(_l("Please repeat the password.")),
        EqualTo("password", message=_l("The passwords do not match.")),
    ])


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[
        InputRequired(_l("Please enter your current password.")), Length(max=PASSWORD_MAX)])


def _digits_only(value):
    return "".join(value.split()) if isinstance(value, str) else value


class TotpCodeForm(BaseForm):
    """A six-digit code from the authenticator app."""

    code = StringField(_l("Code from your authenticator app"), filters=[_digits_only], validators=[
        InputRequired(_l("Please enter the six-digit code.")),
        Regexp(r"^[0-9]{6}$", message=_l("The code has six digits.")),
    ], render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 12})
