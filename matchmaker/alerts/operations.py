"""Weekly alerts of new fits, and leaving a mail list with one click. These flush but never commit.

An alert run is idempotent per ISO week, three times over: `User.alerts_last_week` says the user had
this week's alert; `AlertDelivery` (unique per user and item) says an item was sent to them, ever;
and the outbox key `alert:<user id>:<week>` stops a second mail even if two runs overlap.

"New" means: offers published (graduates; research questions and thesis topics for a researcher's verified
units) or graduates who agreed to be found (companies) since the
start of the week of the user's last alert, never further back than ALERT_LOOKBACK_DAYS; what was
already sent is left out by `AlertDelivery`, so a late or early run neither skips nor repeats items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from ..audit import record_card_views
from ..catalog import OFFER_KIND_LABELS
from ..domain import InvalidInput
from ..extensions import db
from ..graduates.queries import findable_profiles
from ..matching.index import offers_for_profile, profile_has_content, profiles_for_offer
from ..models import AlertDelivery, GraduateProfile, Offer, Role, User
from ..offers.queries import public_offers
from ..outbox import external_url, queue_mail

# A fit in an unasked-for mail must be clearly better than the matcher's floor for a list a person browses.
DEFAULT_MIN_SCORE = 0.1
DEFAULT_MAX_ITEMS = 10
ALERT_LOOKBACK_DAYS = 14

# Who can have the weekly alert: graduates (offers), company users (graduates), researchers (questions).
ALERT_ROLES = (Role.graduate, Role.company, Role.researcher)

# Mail lists a person can leave with one click: list name -> the User switch it turns off.
LISTS = {"alerts": "alerts_enabled"}
LIST_LABELS = {"alerts": _l("weekly alerts")}
UNSUBSCRIBE_SALT = "mail-unsubscribe"
UNSUBSCRIBE_MAX_AGE = 90 * 24 * 3600


# ---- switching alerts ------------------------------------------------------------------------

def set_alerts(user: User, enabled: bool) -> None:
    user.alerts_enabled = enabled
    db.session.flush()


def alerts_ready(user: User) -> bool:
    """Whether an alert could find anything for this user yet (else the settings page says why)."""
    if user.role == Role.graduate:
        return user.profile is not None and profile_has_content(user.profile)
    if user.role == Role.researcher:
        return bool(_alert_units(user))
    company = user.active_company
    return company is not None and company.is_verified


# ---- one-click unsubscribe ---------------------------------------------------------------------

class UnsubscribeError(InvalidInput):
    """A token that cannot be used: reason is `invalid`, `expired` or `unknown_list`."""

    def __init__(self, reason: str):
        super().__init__(_l("This link to stop the mails is not valid. Perhaps it was not copied completely "
                            "from the mail.") if reason != "expired"
                         else _l("This link to stop the mails has expired."))
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User, list_name: str) -> str:
    return _serializer().dumps({"u": user.id, "l": list_name})


def unsubscribe_url(user: User, list_name: str) -> str:
    return external_url("alerts.unsubscribe", token=unsubscribe_token(user, list_name))


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The user and list a token names; raises UnsubscribeError."""
    max_age = current_app.config.get("UNSUBSCRIBE_TOKEN_MAX_AGE", UNSUBSCRIBE_MAX_AGE)
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise UnsubscribeError("expired") from exc
    except BadData as exc:
        raise UnsubscribeError("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("l"), str):
        raise UnsubscribeError("invalid")
    if data["l"] not in LISTS:
        raise UnsubscribeError("unknown_list")
    user = db.session.get(User, data["u"])
    if user is None:
        raise UnsubscribeError("invalid")
    return user, data["l"]


def is_subscribed(user: User, list_name: str) -> bool:
    return bool(getattr(user, LISTS[list_name]))


def unsubscribe(user: User, list_name: str) -> bool:
    """Leave the list; True if the user was on it."""
    was_on = is_subscribed(user, list_name)
    setattr(user, LISTS[list_name], False)
    db.session.flush()
    return was_on


# ---- the weekly run ------------------------------------------------------------------------------

def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> datetime:
    """Monday 00:00 (UTC) of an ISO week like 2026-W07."""
    return datetime.strptime(week + "-1", "%G-W%V-%u")


def window_start(user: User, now: datetime) -> datetime:
    earliest = now - timedelta(days=ALERT_LOOKBACK_DAYS)
    if user.alerts_last_week:
        try:
            return max(week_start(user.alerts_last_week), earliest)
        except ValueError:
            pass
    return earliest


@dataclass
class AlertRun:
    week: str
    users: int = 0
    mails: int = 0
    items: int = 0
    skipped: list[int] = field(default_factory=list)


def _delivered_ids(user: User, item_type: str):
    return sa.select(AlertDelivery.item_id).where(AlertDelivery.user_id == user.id,
                                                  AlertDelivery.item_type == item_type)


def new_offers_for(user: User, since: datetime, now: datetime, min_score: float, max_items: int) -> list:
    """Open offers published in the window that fit the graduate and were never sent to them."""
    profile = user.profile
    if profile is None:
        return []
    candidates = list(db.session.scalars(
        public_offers().where(Offer.published_at >= since, Offer.published_at <= now,
                                  Offer.id.not_in(_delivered_ids(user, "offer")))))
    ranked = offers_for_profile(profile, candidates, strict=True, k=max_items)
    return [item for item in ranked if item.match.score >= min_score][:max_items]


@dataclass
class GraduateFit:
    profile: GraduateProfile
    offer: Offer
    score: float


def new_graduates_for(user: User, since: datetime, now: datetime, min_score: float, max_items: int) -> list:
    """Graduates who became findable in the window and fit an open offer of the user's company."""
    company = user.active_company
    if company is None or not company.is_verified:
        return []
    offers = list(db.session.scalars(public_offers().where(Offer.company_id == company.id)))
    if not offers:
        return []
    candidates = list(db.session.scalars(
        findable_profiles().where(GraduateProfile.consent_at >= since, GraduateProfile.consent_at <= now,
                                        GraduateProfile.id.not_in(_delivered_ids(user, "profile")))))
    found = ((item.profile, offer, item.match.score) for offer in offers
             for item in profiles_for_offer(offer, candidates, strict=True, k=max_items))
    return [GraduateFit(*fit) for fit in _best_fits(found, min_score, max_items)]


def _best_fits(found, min_score: float, max_items: int) -> list[tuple]:
    """Each item's best fit, best first, at most `max_items`: `found` yields (item, what it fits, score)
    from several rankings (a company's offers, a researcher's units); scores below `min_score` are left out,
    and on equal scores the first ranking wins."""
    best: dict[int, tuple] = {}
    for item, source, score in found:
        if score >= min_score and (item.id not in best or score > best[item.id][2]):
            best[item.id] = (item, source, score)
    return sorted(best.values(), key=lambda fit: fit[2], reverse=True)[:max_items]


def _alert_units(user: User) -> list:
    """A researcher's verified units that say what they do (the matcher has something to compare)."""
    from ..matching.index import unit_has_content
    from ..research.queries import units_of

    return [unit for unit in units_of(user) if unit.is_verified and unit_has_content(unit)]


@dataclass
class QuestionFit:
    offer: Offer
    unit: object
    score: float


def new_questions_for(user: User, since: datetime, now: datetime, min_score: float, max_items: int) -> list:
    """Research questions and thesis topics published in the window that fit one of the researcher's verified
    units and were never sent to them; each with the unit it fits best."""
    from ..matching.index import offers_for_unit
    from ..research.queries import UNIT_OFFER_KINDS, unit_offers

    units = _alert_units(user)
    if not units:
        return []
    candidates = unit_offers(public_offers().where(Offer.published_at >= since, Offer.published_at <= now,
                                                   Offer.id.not_in(_delivered_ids(user, "offer"))),
                             None, UNIT_OFFER_KINDS)
    if not candidates:
        return []
    found = ((item.offer, unit, item.match.score) for unit in units
             for item in offers_for_unit(unit, candidates, k=max_items))
    return [QuestionFit(*fit) for fit in _best_fits(found, min_score, max_items)]


def _footer(user: User) -> dict:
    return {"settings_link": external_url("alerts.settings"), "unsubscribe_link": unsubscribe_url(user, "alerts")}


def alert_user(user: User, week: str, now: datetime, min_score: float, max_items: int) -> int:
    """This week's alert for one user: queue the mail, remember the items; the number of items."""
    since = window_start(user, now)
    count = 0
    if user.role == Role.graduate:
        fits = new_offers_for(user, since, now, min_score, max_items)
        if fits:
            items = [{"title": fit.offer.title, "company": fit.offer.company.name,
                      "kind": OFFER_KIND_LABELS[fit.offer.kind],
                      "link": external_url("offers.detail", offer_id=fit.offer.id)} for fit in fits]
            _remember(user, "offer", [fit.offer.id for fit in fits], week, now)
            queue_mail(user.email, _l("New offers that fit you"), "alert_graduate", locale=user.locale,
                       kind="alert_graduate", dedupe_key=f"alert:{user.id}:{week}", items=items,
                       all_link=external_url("matching.offers_for_me"),
                       list_unsubscribe=unsubscribe_url(user, "alerts"), **_footer(user))
            count = len(fits)
    elif user.role == Role.researcher:
        fits = new_questions_for(user, since, now, min_score, max_items)
        if fits:
            items = [{"title": fit.offer.title, "company": fit.offer.company.name,
                      "kind": OFFER_KIND_LABELS[fit.offer.kind], "unit": fit.unit.name,
                      "link": external_url("research.questions", unit_id=fit.unit.id)} for fit in fits]
            _remember(user, "offer", [fit.offer.id for fit in fits], week, now)
            queue_mail(user.email, _l("New questions of companies that fit your unit"), "alert_researcher",
                       locale=user.locale, kind="alert_researcher", dedupe_key=f"alert:{user.id}:{week}", items=items,
                       list_unsubscribe=unsubscribe_url(user, "alerts"), **_footer(user))
            count = len(fits)
    elif user.role == Role.company:
        fits = new_graduates_for(user, since, now, min_score, max_items)
        if fits:
            # Pseudonymous, as on the card: no name, no email, no CV, no free text about the person.
            items = [{"pseudonym": fit.profile.pseudonym, "headline": fit.profile.headline,
                      "field": fit.profile.field_of_study, "skills": list(fit.profile.skills or []),
                      "offer": fit.offer.title,
                      "link": external_url("matching.graduates_for_offer", offer_id=fit.offer.id)} for fit in fits]
            _remember(user, "profile", [fit.profile.id for fit in fits], week, now)
            # The mail hands the card to the company whether or not anyone opens it: logged as sent, not seen.
            record_card_views(user, [fit.profile for fit in fits], action="mail_card", now=now)
            queue_mail(user.email, _l("New graduates for your offers"), "alert_company", locale=user.locale,
                       kind="alert_company", dedupe_key=f"alert:{user.id}:{week}", items=items,
                       company=user.active_company.name, list_unsubscribe=unsubscribe_url(user, "alerts"),
                       **_footer(user))
            count = len(fits)
    user.alerts_last_week = week
    db.session.flush()
    return count


def _remember(user: User, item_type: str, ids: list[int], week: str, now: datetime) -> None:
    for item_id in ids:
        db.session.add(AlertDelivery(user_id=user.id, item_type=item_type, item_id=item_id, week=week, sent_at=now))


def _due_user_ids(week: str) -> list[int]:
    return list(db.session.scalars(
        sa.select(User.id).where(User.alerts_enabled.is_(True), User.active.is_(True),
                                 User.confirmed_at.is_not(None), User.role.in_(ALERT_ROLES),
                                 sa.or_(User.alerts_last_week.is_(None), User.alerts_last_week != week))
        .order_by(User.id)))


def _lock_user(user_id: int) -> User | None:
    """The user, locked for this run on PostgreSQL (a concurrent run skips them)."""
    query = sa.select(User).where(User.id == user_id).execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalar(query)


def send_alerts(now: datetime, min_score: float = DEFAULT_MIN_SCORE, max_items: int = DEFAULT_MAX_ITEMS) -> AlertRun:
    """Run this week's alerts; commits once per user so that one user's trouble leaves the others done."""
    run = AlertRun(week=iso_week(now))
    for user_id in _due_user_ids(run.week):
        user = _lock_user(user_id)
        if user is None or not user.alerts_enabled or user.alerts_last_week == run.week:
            db.session.rollback()
            continue
        try:
            count = alert_user(user, run.week, now, min_score, max_items)
            db.session.commit()
        except IntegrityError:  # an overlapping run got there first (outbox key or delivery)
            db.session.rollback()
            run.skipped.append(user_id)
            continue
        run.users += 1
        if count:
            run.mails += 1
            run.items += count
    return run
