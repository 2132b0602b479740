"""The person's rights over their data: consent records, the CV file, export, erasure, retention.

These flush but never commit. Files on disk are removed only after the commit that dropped them
(the functions return the names to remove), so a rolled-back request never loses a file.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import cv
from ..extensions import db
from ..models import (WAITING_STATES, AlertDelivery, ApiToken, AuditEntry, Company, ConsentRecord, GraduateProfile,
                      Introduction, IntroductionState, Note, Offer, OfferStatus, OutboxMessage, ResearchUnit,
                      ResearchUnitMember, Role, Side, StoryPerson, User, utcnow)
from ..events import queries as event_queries
from ..events.operations import forget_registrations
from ..outbox import external_url, queue_mail
from ..security import end_all_sessions

log = logging.getLogger("matchmaker.gdpr")

# The sentence a graduate agrees to when they let companies find them; stored word for word.
FINDABLE_CONSENT_TEXT = _l("I agree that verified companies of the Industriepark Schwarze Pumpe may find my "
                           "pseudonymous card (headline, studies, degree, skills, languages, what I am looking "
                           "for, earliest start and places), without my name, email address or CV. I can "
                           "withdraw this at any time; it takes effect at once.")
FINDABLE_CONSENT_VERSION = "1"
PRIVACY_CONSENT_TEXT = _l("I have read the privacy notice.")

# Erased accounts keep their row (foreign keys and the board's registration counts stay sound) under
# an address in a reserved domain that can never receive mail or log in.
ERASED_DOMAIN = "erased.invalid"
# A marker, not a password: no hash ever equals it, so nobody can log in with it.
UNUSABLE_PASSWORD = "!erased"  # nosec B105


# ---- consent records --------------------------------------------------------------------------

def record_consent(user: User, purpose: str, text: str, version: str, now: datetime | None = None) -> ConsentRecord:
    """Keep what the person agreed to, in the words shown to them."""
    record = ConsentRecord(user_id=user.id, purpose=purpose, text=str(text), text_version=version,
                           given_at=now or utcnow())
    db.session.add(record)
    db.session.flush()
    return record


def revoke_consents(user: User, purpose: str, now: datetime | None = None) -> int:
    """Mark every open consent of this purpose revoked; returns how many."""
    records = db.session.scalars(sa.select(ConsentRecord).where(
        ConsentRecord.user_id == user.id, ConsentRecord.purpose == purpose, ConsentRecord.revoked_at.is_(None)))
    count = 0
    for record in records:
        record.revoked_at = now or utcnow()
        count += 1
    db.session.flush()
    return count


def accept_privacy_notice(user: User, now: datetime | None = None) -> None:
    """At registration: which notice the person accepted, and when, also as a consent record."""
    now = now or utcnow()
    version = current_app.config["PRIVACY_VERSION"]
    user.privacy_version = version
    user.privacy_accepted_at = now
    record_consent(user, "privacy", PRIVACY_CONSENT_TEXT, version, now)


# ---- the CV file ------------------------------------------------------------------------------

def store_cv(profile: GraduateProfile, data: bytes, text: str, now: datetime | None = None) -> str | None:
    """Keep an already checked PDF as the profile's CV; its text replaces the CV text if it has any.

    Returns the name of the file it replaced, to be removed after the commit.
    """
    old = profile.cv_file
    profile.cv_file = cv.write_file(data)
    profile.cv_uploaded_at = now or utcnow()
    if text:
        profile.cv_text = text
    db.session.flush()
    return old


def delete_cv(profile: GraduateProfile) -> str | None:
    """Drop the CV file from the profile (the text stays editable); returns the name to remove."""
    old = profile.cv_file
    profile.cv_file = None
    profile.cv_uploaded_at = None
    db.session.flush()
    return old


# ---- download my data -------------------------------------------------------------------------

def _time(value) -> str | None:
    return value.isoformat() if value else None


def _value(value):
    return getattr(value, "value", value)


def _who(user: User | None) -> dict:
    """Who did something, as the person may learn it: a company by name, staff as the Präsenzstelle."""
    if user is None:
        return {"role": None}
    if user.role == Role.company and user.company is not None:
        return {"role": "company", "company": user.company.name}
    return {"role": user.role.value}


def _profile_export(profile: GraduateProfile) -> dict:
    return {
        "id": profile.id, "pseudonym": profile.pseudonym, "name": profile.name, "headline": profile.headline,
        "about": profile.about, "study_programme": profile.study_programme, "study_other": profile.study_other,
        "degree": _value(profile.degree), "graduation_date": _time(profile.graduation_date),
        "skills": list(profile.skills or []), "languages": list(profile.languages or []),
        "wanted_kinds": list(profile.wanted_kinds or []), "earliest_start": _time(profile.earliest_start),
        "places": profile.places, "cv_text": profile.cv_text,
        "visible_to_companies": profile.visible_to_companies, "consent_at": _time(profile.consent_at),
        "created_at": _time(profile.created_at), "updated_at": _time(profile.updated_at),
    }


def _introduction_export(intro: Introduction, withheld: dict[str, list[int]]) -> dict:
    """The introduction as the graduate sees it; words of others meant for staff or the company are left out.

    The ids of the introductions whose texts were left out are added to `withheld` by kind.
    """
    own_reason = intro.closed_by_side == Side.graduate
    if intro.message_to_company:
        withheld["message_to_company"].append(intro.id)
    if intro.close_reason and not own_reason:
        withheld["close_reason"].append(intro.id)
    return {
        "id": intro.id, "state": intro.state.value, "company": intro.company.name if intro.company else None,
        "offer": intro.offer.title if intro.offer else None, "offer_kind": _value(intro.offer_kind),
        "started_by": intro.started_by.value, "message_to_graduate": intro.message_to_graduate,
        "closed_by": _value(intro.closed_by_side), "close_reason": intro.close_reason if own_reason else None,
        "created_at": _time(intro.created_at), "graduate_accepted_at": _time(intro.graduate_accepted_at),
        "company_accepted_at": _time(intro.company_accepted_at), "introduced_at": _time(intro.introduced_at),
        "outcome_on": _time(intro.outcome_on), "closed_at": _time(intro.closed_at),
    }


# What the export leaves out because it is someone else's (Art. 15(4) GDPR: the rights and freedoms of
# others), by kind: where in the export it would have been, and why.
WITHHELD = {
    "message_to_company": ("introductions[].message_to_company", _l(
        "The Präsenzstelle's message to the company about an introduction. It was written for the company; "
        "you received your own message.")),
    "close_reason": ("introductions[].close_reason", _l(
        "The reason the company gave when it declined or withdrew from an introduction. It is the company's "
        "statement, given for the Präsenzstelle only; your own reasons are included.")),
    "author": ("notes[].by, audit_entries[].by", _l(
        "Which person at the Präsenzstelle or at a company wrote a note about you or looked at your data. "
        "The export names the Präsenzstelle or the company instead.")),
}


def _withheld(found: dict[str, list[int]]) -> list[dict]:
    """One entry per kind of withheld data that occurs: where, how often, why; never the content."""
    entries = []
    for kind, ids in found.items():
        if not ids:
            continue
        where, reason = WITHHELD[kind]
        entry = {"kind": kind, "where": where, "count": len(ids), "reason": str(reason),
                 "legal_basis": "Art. 15(4) GDPR"}
        if where.startswith("introductions"):
            entry["introduction_ids"] = ids
        entries.append(entry)
    return entries


def _company_export(company: Company) -> dict:
    return {
        "id": company.id, "name": company.name, "sector": company.sector.value,
        "size_band": _value(company.size_band), "site": company.site, "about": company.about,
        "website": company.website, "contact_email": company.contact_email,
        "created_at": _time(company.created_at), "verified_at": _time(company.verified_at),
    }


def _offer_export(offer: Offer) -> dict:
    return {
        "id": offer.id, "kind": offer.kind.value, "title": offer.title, "description": offer.description,
        "required_skills": list(offer.required_skills or []), "nice_skills": list(offer.nice_skills or []),
        "status": offer.status.value, "place": offer.place, "created_at": _time(offer.created_at),
        "published_at": _time(offer.published_at), "expires_at": _time(offer.expires_at),
    }


def _registration_export(registration) -> dict:
    event = registration.event
    return {
        "id": registration.id, "event_id": event.id, "event_title": event.title(user_locale(registration.user)),
        "event_starts_at": _time(event.starts_at), "status": registration.status.value,
        "attended": registration.attended, "registered_at": _time(registration.created_at),
        "cancelled_at": _time(registration.cancelled_at), "reminded_at": _time(registration.reminded_at),
    }


def _story_people(user: User) -> list[StoryPerson]:
    return list(db.session.scalars(sa.select(StoryPerson).where(StoryPerson.user_id == user.id)
                                   .order_by(StoryPerson.id)))


def _story_person_export(person: StoryPerson, user: User) -> dict:
    story = person.story
    return {
        "story_id": story.id, "story_title": story.title(user_locale(user)), "story_kind": story.kind.value,
        "story_status": story.status.value, "named_at": _time(person.created_at),
        "confirmed_at": _time(person.confirmed_at), "withdrawn_at": _time(person.withdrawn_at),
        "consent_id": person.consent_id,
    }


def _unit_memberships(user: User) -> list[dict]:
    rows = db.session.execute(sa.select(ResearchUnitMember, ResearchUnit).join(
        ResearchUnit, ResearchUnit.id == ResearchUnitMember.unit_id).where(ResearchUnitMember.user_id == user.id)
        .order_by(ResearchUnitMember.joined_at, ResearchUnit.id))
    return [{"unit_id": unit.id, "name": unit.name, "faculty": _value(unit.faculty), "kind": _value(unit.kind),
             "joined_at": _time(member.joined_at)} for member, unit in rows]


def _unit_answers(user: User) -> dict[int, list[dict]]:
    """What this person said for a research unit, by introduction: their consents and their own steps."""
    answers: dict[int, list[dict]] = {}
    consents = db.session.scalars(sa.select(ConsentRecord).join(
        Introduction, Introduction.id == ConsentRecord.introduction_id).where(
        ConsentRecord.user_id == user.id, Introduction.research_unit_id.is_not(None)))
    for consent in consents:
        answers.setdefault(consent.introduction_id, []).append(
            {"action": "consent", "consent_id": consent.id, "at": _time(consent.given_at)})
    steps = db.session.execute(sa.select(AuditEntry.object_id, AuditEntry.action, AuditEntry.created_at).join(
        Introduction, Introduction.id == AuditEntry.object_id).where(
        AuditEntry.actor_id == user.id, AuditEntry.object_type == "introduction",
        AuditEntry.action.startswith("introduction_"), Introduction.research_unit_id.is_not(None)))
    for introduction_id, action, at in steps:
        answers.setdefault(introduction_id, []).append(
            {"action": action.removeprefix("introduction_"), "at": _time(at)})
    return answers


def _unit_introductions(user: User) -> list[dict]:
    """The introductions of research units this person answered (accepted, declined, withdrew or started)."""
    answers = _unit_answers(user)
    if not answers:
        return []
    introductions = db.session.scalars(sa.select(Introduction).where(Introduction.id.in_(list(answers)))
                                       .order_by(Introduction.id))
    exported = []
    for intro in introductions:
        own = answers[intro.id]
        own.sort(key=lambda answer: answer["at"] or "")
        closed_by_them = intro.closed_by_side == Side.unit and any(
            answer["action"] in ("decline", "withdraw") for answer in own)
        exported.append({
            "id": intro.id, "state": intro.state.value,
            "unit": intro.research_unit.name if intro.research_unit else None,
            "company": intro.company.name if intro.company else None,
            "offer": intro.offer.title if intro.offer else None, "started_by": intro.started_by.value,
            "message_to_unit": intro.message_to_graduate,
            "close_reason": intro.close_reason if closed_by_them else None,
            "created_at": _time(intro.created_at), "unit_accepted_at": _time(intro.graduate_accepted_at),
            "company_accepted_at": _time(intro.company_accepted_at), "introduced_at": _time(intro.introduced_at),
            "closed_at": _time(intro.closed_at), "your_answers": own,
        })
    return exported


def user_locale(user: User) -> str:
    return user.locale if user.locale in ("de", "en") else "de"


def export_data(user: User, now: datetime | None = None) -> dict:
    """Everything stored about this person, as one JSON-ready document (Art. 15 and 20 GDPR).

    Words of other people that were not meant for this person (the Präsenzstelle's message to a company,
    a company's reason for declining) and the names of the people behind notes and views are left out;
    the `withheld` section says what kind of data was left out, where, how often and why.

    The CV PDF itself is not embedded: its stored name and size are listed, and the owner downloads
    it from the CV page.
    """
    profile = user.profile
    introductions: list[Introduction] = []
    notes: list[Note] = []
    if profile is not None:
        introductions = list(db.session.scalars(sa.select(Introduction).where(Introduction.profile_id == profile.id)
                                                .order_by(Introduction.id)))
        intro_ids = [intro.id for intro in introductions]
        notes = list(db.session.scalars(sa.select(Note).where(sa.or_(
            Note.profile_id == profile.id,
            Note.introduction_id.in_(intro_ids) if intro_ids else sa.false())).order_by(Note.id)))
    consents = db.session.scalars(sa.select(ConsentRecord).where(ConsentRecord.user_id == user.id)
                                  .order_by(ConsentRecord.id))
    audits = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.subject_user_id == user.id)
                                     .order_by(AuditEntry.id)))
    alerts = db.session.scalars(sa.select(AlertDelivery).where(AlertDelivery.user_id == user.id)
                                .order_by(AlertDelivery.id))
    mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == user.email)
                               .order_by(OutboxMessage.id))
    company = user.company if user.role == Role.company else None
    offers = db.session.scalars(sa.select(Offer).where(Offer.created_by_id == user.id).order_by(Offer.id))
    # Notes and audit entries by others name the organisation (the Präsenzstelle, a company), not the person.
    withheld: dict[str, list[int]] = {
        "message_to_company": [], "close_reason": [],
        "author": [n.id for n in notes if n.author_id != user.id]
        + [a.id for a in audits if a.actor_id not in (None, user.id)]}
    introductions_export = [_introduction_export(intro, withheld) for intro in introductions]
    return {
        "format": "matchmaker-personal-data",
        "version": 1,
        "exported_at": _time(now or utcnow()),
        "account": {
            "id": user.id, "email": user.email, "role": user.role.value, "locale": user.locale,
            "created_at": _time(user.created_at), "confirmed_at": _time(user.confirmed_at),
            "last_login_at": _time(user.last_login_at), "active": user.active,
            "membership": _value(user.membership), "alerts_enabled": user.alerts_enabled,
            "privacy_version": user.privacy_version, "privacy_accepted_at": _time(user.privacy_accepted_at),
            "retention_warned_at": _time(user.retention_warned_at),
            "two_factor_enabled": user.has_totp,
        },
        "profile": _profile_export(profile) if profile is not None else None,
        "cv_file": ({"stored_name": profile.cv_file, "size_bytes": cv.file_size(profile.cv_file),
                     "uploaded_at": _time(profile.cv_uploaded_at)}
                    if profile is not None and profile.cv_file else None),
        "consents": [{"id": c.id, "purpose": c.purpose, "text": c.text, "text_version": c.text_version,
                      "introduction_id": c.introduction_id, "given_at": _time(c.given_at),
                      "revoked_at": _time(c.revoked_at)} for c in consents],
        "introductions": introductions_export,
        "notes": [{"id": n.id, "introduction_id": n.introduction_id, "body": n.body, "by": "Präsenzstelle",
                   "created_at": _time(n.created_at)} for n in notes],
        "audit_entries": [{"action": a.action, "by": _who(a.actor), "object_type": a.object_type,
                           "object_id": a.object_id, "detail": a.detail, "at": _time(a.created_at)}
                          for a in audits],
        "alert_deliveries": [{"item_type": a.item_type, "item_id": a.item_id, "week": a.week,
                              "sent_at": _time(a.sent_at)} for a in alerts],
        "mails": [{"subject": m.subject, "body": m.body, "kind": m.kind, "created_at": _time(m.created_at),
                   "sent_at": _time(m.sent_at)} for m in mails],
        "company": _company_export(company) if company is not None else None,
        "offers_created": [_offer_export(offer) for offer in offers],
        "event_registrations": [_registration_export(r) for r in event_queries.registrations_of_user(user)],
        "story_confirmations": [_story_person_export(person, user) for person in _story_people(user)],
        "research_units": _unit_memberships(user),
        "unit_introductions": _unit_introductions(user),
        "withheld": _withheld(withheld),
    }


# ---- erasure ----------------------------------------------------------------------------------

def is_erased(user: User) -> bool:
    return user.email.endswith("@" + ERASED_DOMAIN)


def _mentions(column, needles: list[str]):
    lowered = sa.func.lower(column)
    return sa.or_(*[lowered.contains(needle.lower(), autoescape=True) for needle in needles])


def erase_user(user: User) -> list[str]:
    """Erase the person everywhere (Art. 17 GDPR); returns CV file names to remove after the commit.

    The user row stays, anonymised and locked, so that foreign keys and the board's counts hold.
    Introductions stay as anonymous records with their state and kind; their texts are cleared.
    A company user's company stays (other members may go on); only their own traces go.
    """
    files: list[str] = []
    email = user.email
    # Registrations go; a place at an upcoming event passes to the next person waiting, and attendance of a
    # past event stays only as an anonymous number (see forget_registrations).
    forget_registrations(user)
    # The person leaves every story that named them; a story that was online goes offline with them.
    from ..stories.operations import forget_story_person  # stories record their consents through this module

    forget_story_person(user)
    profile = user.profile
    needles = [email]
    if profile is not None:
        if len((profile.name or "").strip()) >= 5:
            needles.append(profile.name.strip())
        intro_ids = list(db.session.scalars(sa.select(Introduction.id).where(Introduction.profile_id == profile.id)))
        if intro_ids:
            db.session.execute(sa.delete(Note).where(Note.introduction_id.in_(intro_ids))
                               .execution_options(synchronize_session=False))
            db.session.execute(sa.delete(ConsentRecord).where(ConsentRecord.introduction_id.in_(intro_ids))
                               .execution_options(synchronize_session=False))
            # Contacts still open end with the person: the company no longer waits on someone who is gone.
            db.session.execute(sa.update(Introduction)
                               .where(Introduction.id.in_(intro_ids),
                                      Introduction.state.in_([*WAITING_STATES, IntroductionState.introduced]))
                               .values(state=IntroductionState.withdrawn, closed_at=utcnow(),
                                       closed_by_side=Side.graduate)
                               .execution_options(synchronize_session=False))
            db.session.execute(sa.update(Introduction).where(Introduction.id.in_(intro_ids))
                               .values(profile_id=None, message_to_graduate="", message_to_company="",
                                       close_reason="", card_snapshot=None)
                               .execution_options(synchronize_session=False))
        db.session.execute(sa.delete(Note).where(Note.profile_id == profile.id)
                           .execution_options(synchronize_session=False))
        if profile.cv_file:
            files.append(profile.cv_file)
        user.profile = None
        db.session.delete(profile)
        db.session.flush()
    for model, condition in (
        (ApiToken, ApiToken.user_id == user.id),  # the person's API tokens end with them
        (ConsentRecord, ConsentRecord.user_id == user.id),
        (AuditEntry, AuditEntry.subject_user_id == user.id),
        (AlertDelivery, AlertDelivery.user_id == user.id),
        # A researcher leaves their units; the units and their introductions stay (they are the unit's).
        (ResearchUnitMember, ResearchUnitMember.user_id == user.id),
        (OutboxMessage, sa.or_(OutboxMessage.recipient == email, _mentions(OutboxMessage.body, needles),
                               _mentions(OutboxMessage.subject, needles))),
    ):
        db.session.execute(sa.delete(model).where(condition).execution_options(synchronize_session=False))
    # Entries about others stay (the actor's side of the record), but not the person's address or name in them:
    # e.g. the invitation of an address that only later became this account.
    db.session.execute(sa.update(AuditEntry).where(_mentions(AuditEntry.detail, needles)).values(detail="")
                       .execution_options(synchronize_session=False))
    db.session.execute(sa.update(Offer).where(Offer.created_by_id == user.id).values(created_by_id=None)
                       .execution_options(synchronize_session=False))
    company = user.company
    if company is not None and User.normalise_email(company.contact_email) == email:
        # Another member's personal address is not published in its place; the company enters a new one.
        company.contact_email = ""

    user.email = f"erased-{user.id}-{secrets.token_hex(4)}@{ERASED_DOMAIN}"
    user.password_hash = UNUSABLE_PASSWORD
    user.active = False
    user.company_id = None
    user.membership = None
    user.confirmed_at = None
    user.last_login_at = None
    user.alerts_enabled = False
    user.alerts_last_week = None
    user.privacy_version = None
    user.privacy_accepted_at = None
    user.retention_warned_at = None
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    end_all_sessions(user)
    db.session.expire_all()
    log.info("erased user %s", user.id)
    return files


# ---- retention --------------------------------------------------------------------------------

def _last_seen():
    return sa.func.coalesce(User.last_login_at, User.created_at)


def _warned_now():
    """Warned since the last login (a later login makes the warning void)."""
    return sa.and_(User.retention_warned_at.is_not(None),
                   sa.or_(User.last_login_at.is_(None), User.last_login_at <= User.retention_warned_at))


def _retention_candidates():
    return sa.select(User).where(User.role == Role.graduate, ~User.email.endswith("@" + ERASED_DOMAIN),
                                 User.is_demo.is_(False))


def warn_inactive(now: datetime) -> list[User]:
    """Mail graduates without a login for RETENTION_WARN_DAYS, once per period of inactivity."""
    config = current_app.config
    cutoff = now - timedelta(days=config["RETENTION_WARN_DAYS"])
    users = list(db.session.scalars(_retention_candidates().where(_last_seen() <= cutoff, ~_warned_now())
                                    .order_by(User.id)))
    deadline = now + timedelta(days=config["RETENTION_GRACE_DAYS"])
    for user in users:
        user.retention_warned_at = now
        queue_mail(user.email, _l("Your Matchmaker account will be deleted"), "gdpr_retention_warning",
                   locale=user.locale, kind="retention_warning",
                   dedupe_key=f"retention:{user.id}:{_time(user.last_login_at or user.created_at)}",
                   deadline=deadline.date(), login_url=external_url("auth.login"),
                   days=config["RETENTION_WARN_DAYS"])
    db.session.flush()
    return users


def erase_inactive(now: datetime) -> tuple[list[int], list[str]]:
    """Erase graduates warned RETENTION_GRACE_DAYS ago who have not logged in since."""
    cutoff = now - timedelta(days=current_app.config["RETENTION_GRACE_DAYS"])
    users = list(db.session.scalars(_retention_candidates().where(_warned_now(),
                                                                  User.retention_warned_at <= cutoff)
                                    .order_by(User.id)))
    ids, files = [], []
    for user in users:
        ids.append(user.id)
        files.extend(erase_user(user))
    return ids, files


def purge_offers(now: datetime) -> int:
    """Delete offers that ended more than OFFER_PURGE_DAYS ago; introductions keep their offer kind."""
    cutoff = now - timedelta(days=current_app.config["OFFER_PURGE_DAYS"])
    ended = sa.or_(
        sa.and_(Offer.status != OfferStatus.draft, Offer.expires_at.is_not(None), Offer.expires_at <= cutoff),
        sa.and_(Offer.status.in_([OfferStatus.closed, OfferStatus.expired]), Offer.updated_at <= cutoff),
    )
    offers = list(db.session.scalars(sa.select(Offer).where(ended).order_by(Offer.id)))
    if not offers:
        return 0
    ids = [offer.id for offer in offers]
    db.session.execute(sa.update(Introduction).where(Introduction.offer_id.in_(ids), Introduction.offer_kind.is_(None))
                       .values(offer_kind=sa.select(Offer.kind).where(Offer.id == Introduction.offer_id)
                               .scalar_subquery())
                       .execution_options(synchronize_session=False))
    db.session.execute(sa.update(Introduction).where(Introduction.offer_id.in_(ids)).values(offer_id=None)
                       .execution_options(synchronize_session=False))
    db.session.execute(sa.delete(AlertDelivery).where(AlertDelivery.item_type == "offer",
                                                      AlertDelivery.item_id.in_(ids))
                       .execution_options(synchronize_session=False))
    for offer in offers:
        db.session.delete(offer)
    db.session.flush()
    return len(offers)


def purge_logs(now: datetime) -> tuple[int, int]:
    """Delete audit entries and sent mails older than LOG_RETENTION_DAYS; returns both counts."""
    cutoff = now - timedelta(days=current_app.config["LOG_RETENTION_DAYS"])
    audits = db.session.execute(sa.delete(AuditEntry).where(AuditEntry.created_at < cutoff)
                                .execution_options(synchronize_session=False)).rowcount
    mails = db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.sent_at.is_not(None),
                                                              OutboxMessage.sent_at < cutoff)
                               .execution_options(synchronize_session=False)).rowcount
    return audits or 0, mails or 0


def run_retention(now: datetime | None = None) -> tuple[dict[str, int], list[str]]:
    """All retention steps; returns what was done and the CV files to remove after the commit."""
    now = now or utcnow()
    erased, files = erase_inactive(now)
    warned = warn_inactive(now)
    offers = purge_offers(now)
    audits, mails = purge_logs(now)
    return ({"warned": len(warned), "erased": len(erased), "offers": offers, "audit_entries": audits,
             "mails": mails}, files)
