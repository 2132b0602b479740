"""Changes to research units and their members. They flush but never commit."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..audit import record_audit
from ..domain import NotAllowed, NotPossible
from ..extensions import db
from ..models import Faculty, ResearchUnit, ResearchUnitMember, Role, UnitKind, User, utcnow
from ..outbox import external_url, queue_mail
from . import queries

PROFILE_FIELDS = ("name", "faculty", "kind", "head", "contact_email", "website", "topics", "expertise", "methods",
                  "equipment")
INVITATION_SALT = "unit-invitation"

ERRORS = (
    _l("This person already belongs to the unit."),
    _l("This address belongs to an account that is not a researcher's. Please invite another address."),
    _l("Only staff and the unit's members may do this."),
    _l("This unit is already verified."),
)


def _values(fields: dict) -> dict:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    values = {}
    for name, value in fields.items():
        if name == "faculty":
            value = Faculty(value)
        elif name == "kind":
            value = UnitKind(value)
        else:
            value = (value or "").strip()
        values[name] = value
    return values


def create_unit(actor: User, **fields) -> ResearchUnit:
    """Staff add a unit; it is public once verified."""
    unit = ResearchUnit(**_values(fields))
    db.session.add(unit)
    db.session.flush()
    record_audit(actor, "create_unit", obj=unit)
    return unit


def update_unit(unit: ResearchUnit, actor: User, **fields) -> ResearchUnit:
    """Staff or a member change the unit's profile."""
    if not (actor.is_staff or (actor.role == Role.researcher and queries.is_member(unit, actor))):
        raise NotAllowed("Only staff and the unit's members may do this.")
    for name, value in _values(fields).items():
        setattr(unit, name, value)
    db.session.flush()
    record_audit(actor, "update_unit", obj=unit)
    return unit


def verify_unit(unit: ResearchUnit, staff: User) -> None:
    if unit.is_verified:
        raise NotPossible("This unit is already verified.")
    unit.verified_at = utcnow()
    unit.verified_by_id = staff.id
    db.session.flush()
    record_audit(staff, "verify_unit", obj=unit)


def add_member(unit: ResearchUnit, user: User) -> bool:
    """Make a researcher a member; False if they already were."""
    if user.role != Role.researcher:
        raise NotPossible("This address belongs to an account that is not a researcher's. Please invite another address.")
    if queries.is_member(unit, user):
        return False
    db.session.add(ResearchUnitMember(unit_id=unit.id, user_id=user.id))
    db.session.flush()
    db.session.expire(unit, ["members"])
    return True


# ---- invitations: a signed link, nothing stored until it is used ---------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def invitation_token(unit: ResearchUnit, email: str) -> str:
    return _serializer().dumps({"u": unit.id, "e": User.normalise_email(email)})


def read_invitation(token: str) -> tuple[ResearchUnit, str] | None:
    """(unit, invited address) of a valid, unexpired invitation; None otherwise."""
    max_age = current_app.config.get("UNIT_INVITATION_MAX_AGE", 14 * 24 * 3600)
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        return None
    unit = db.session.get(ResearchUnit, data["u"])
    return (unit, data["e"]) if unit is not None else None


def invite_member(unit: ResearchUnit, actor: User, email: str) -> None:
    """Mail an invitation link to `email`; the invitee registers or logs in as a researcher and joins."""
    email = User.normalise_email(email)
    existing = queries.user_by_email(email)
    if existing is not None and existing.role != Role.researcher:
        raise NotPossible("This address belongs to an account that is not a researcher's. Please invite another address.")
    if existing is not None and queries.is_member(unit, existing):
        raise NotPossible("This person already belongs to the unit.")
    link = external_url("research.join", token=invitation_token(unit, email))
    locale = existing.locale if existing is not None else current_app.config.get("BABEL_DEFAULT_LOCALE", "de")
    queue_mail(email, _l("You are invited to a research unit on Matchmaker"), "unit_invitation", locale=locale,
               kind="unit_invitation", unit=unit, link=link)
    record_audit(actor, "invite_unit_member", subject=existing, obj=unit, detail=email)


def join_with_new_account(unit: ResearchUnit, email: str, password: str, locale: str) -> User:
    """A researcher account for an invited address, confirmed (the link proved the address), in the unit."""
    from ..auth.operations import create_user
    from ..gdpr.operations import accept_privacy_notice

    user = create_user(email, password, Role.researcher, locale, confirmed=True)
    accept_privacy_notice(user)
    add_member(unit, user)
    record_audit(user, "join_unit", obj=unit)
    return user


def join_unit(unit: ResearchUnit, user: User, invited_email: str) -> bool:
    """A logged-in researcher joins with the invitation sent to their own address."""
    if user.email != invited_email:
        raise NotAllowed("This invitation was sent to another address.")
    joined = add_member(unit, user)
    if joined:
        record_audit(user, "join_unit", obj=unit)
    return joined


JOIN_ERRORS = (_l("This invitation was sent to another address."),)
