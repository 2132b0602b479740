"""Brokered introductions: the three starts, answers, outcomes, notes, reminders. Flush, never commit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..access import acts_for
from ..audit import record_audit
from ..domain import NotAllowed, NotPossible
from ..extensions import db
from ..graduates.queries import is_findable
from ..matching.engine import Reason
from ..models import (ConsentRecord, Degree, GraduateProfile, Introduction, IntroductionState,
                      Membership, Note, Offer, ResearchUnit, Role, Side, StoryPerson, User,
                      utcnow)
from ..outbox import external_url, queue_mail
from .queries import open_introduction


class DuplicateIntroduction(NotPossible):
    """The pair already has an open introduction; the refusal links to it."""

    def __init__(self, message, existing: Introduction):
        super().__init__(message)
        self.existing = existing


REMIND_AFTER = timedelta(days=7)
EXPIRE_AFTER = timedelta(days=30)
CONSENT_TEXT_VERSION = "1"

# The model's error messages, marked here so that the catalogue carries them (they are looked up
# by their English text when shown).
ERROR_MESSAGES = (
    _l("Only the graduate or the company can take this step."),
    _l("This introduction no longer waits for an answer."),
    _l("You have already accepted this introduction."),
    _l("Only the graduate can revoke their consent."),
    _l("This introduction is already closed."),
    _l("Only an introduction that has been made and has no outcome yet can be withdrawn."),
    _l("Only the Präsenzstelle records outcomes."),
    _l("This is not an outcome."),
    _l("An outcome can be recorded only after the introduction has been made."),
    _l("The interview is already recorded."),
    _l("Only an introduction that waits for an answer can expire."),
)


# ---- who gets the mail --------------------------------------------------------------------------

def company_members(company_id: int) -> list[User]:
    """The company's active members: they act for it and read its mail."""
    return list(db.session.scalars(db.select(User).where(
        User.company_id == company_id, User.role == Role.company, User.membership == Membership.active,
        User.active.is_(True)).order_by(User.id)))


def staff_recipients() -> list[tuple[str, str]]:
    """(email, locale) of whoever at the Präsenzstelle hears about expired introductions.

    BROKERING_STAFF_EMAIL names one shared mailbox; without it every active staff account is told.
    """
    address = current_app.config.get("BROKERING_STAFF_EMAIL")
    if address:
        return [(address, current_app.config.get("BABEL_DEFAULT_LOCALE", "de"))]
    users = db.session.scalars(db.select(User).where(User.role == Role.staff, User.active.is_(True))
                               .order_by(User.id))
    return [(user.email, user.locale) for user in users]


def _link(introduction: Introduction) -> str:
    return external_url("brokering.detail", introduction_id=introduction.id)


def unit_members(unit: ResearchUnit) -> list[User]:
    """The unit's active researchers: they act for it and read its mail."""
    return [user for user in unit.members if user.active and user.role == Role.researcher]


def _mail_unit(introduction: Introduction, subject, template: str, dedupe_key: str | None = None, **ctx):
    """Mail every member of the unit (they answer for it)."""
    unit = introduction.research_unit
    if unit is None:
        return
    for user in unit_members(unit):
        key = f"{dedupe_key}:{user.id}" if dedupe_key else None
        queue_mail(user.email, subject, template, locale=user.locale, kind=template, dedupe_key=key,
                   intro=introduction, side="graduate", link=_link(introduction), **ctx)


def _mail_graduate(introduction: Introduction, subject, template: str, dedupe_key: str | None = None, **ctx):
    """Mail the party opposite the company: the graduate, or the members of the research unit."""
    if introduction.is_with_unit:
        _mail_unit(introduction, subject, template, dedupe_key, **ctx)
        return
    profile = introduction.profile
    if profile is None or profile.user is None:
        return
    user = profile.user
    queue_mail(user.email, subject, template, locale=user.locale, kind=template,
               dedupe_key=dedupe_key, intro=introduction, side="graduate", link=_link(introduction), **ctx)


def _mail_company(introduction: Introduction, subject, template: str, dedupe_key: str | None = None, **ctx):
    """Mail every active member. Before the introduction is made these mails name only the pseudonym."""
    for user in company_members(introduction.company_id):
        key = f"{dedupe_key}:{user.id}" if dedupe_key else None
        queue_mail(user.email, subject, template, locale=user.locale, kind=template, dedupe_key=key,
                   intro=introduction, side="company", link=_link(introduction), **ctx)


def _mail_side(introduction: Introduction, side: Side, subject, template: str, **ctx) -> None:
    if side in (Side.graduate, Side.unit):
        _mail_graduate(introduction, subject, template, **ctx)
    elif side == Side.company:
        _mail_company(introduction, subject, template, **ctx)


def _other(side: Side, introduction: Introduction | None = None) -> Side:
    if side != Side.company:
        return Side.company
    return introduction.party_side if introduction is not None else Side.graduate


def _subject_user(introduction: Introduction) -> User | None:
    """The person whose data the introduction carries: the graduate, or the unit's member who answered."""
    if introduction.is_with_unit:
        return answering_member(introduction)
    return introduction.profile.user if introduction.profile is not None else None


def _audit(actor: User | None, verb: str, introduction: Introduction, detail: str = "") -> None:
    record_audit(actor, f"introduction_{verb}", subject=_subject_user(introduction), obj=introduction,
                 detail=detail or introduction.state.value)


# ---- consent ------------------------------------------------------------------------------------

def consent_text(introduction: Introduction, side: Side, locale: str) -> str:
    """The exact sentence a person agrees to when they accept, in their language."""
    offer_title = introduction.offer.title if introduction.offer is not None else "—"
    if introduction.is_with_unit:
        return _unit_consent_text(introduction, side, offer_title, locale)
    if side == Side.graduate:
        return _graduate_consent_text(introduction.company.name, offer_title, locale)
    with force_locale(locale):
        return _('I agree, for %(company)s, that the graduate receives my email address and the company\'s '
                 'contact email for the offer "%(offer)s", and that we use the graduate\'s contact data '
                 'only for this offer.', company=introduction.company.name, offer=offer_title)


def _unit_consent_text(introduction: Introduction, side: Side, offer_title: str, locale: str) -> str:
    unit = introduction.research_unit.name if introduction.research_unit is not None else "—"
    if side == Side.company:
        with force_locale(locale):
            return _('I agree, for %(company)s, that the research unit %(unit)s receives my email address and the '
                     'company\'s contact email for the question "%(offer)s", and that we use the unit\'s contact '
                     'data only for this question.', company=introduction.company.name, unit=unit, offer=offer_title)
    return unit_consent_text(introduction.company.name, unit, offer_title, locale)


def unit_consent_text(company: str, unit: str, offer_title: str, locale: str) -> str:
    """The sentence a unit's member agrees to, for the unit."""
    with force_locale(locale):
        return _('I agree, for the research unit %(unit)s, that %(company)s receives my email address and the '
                 'unit\'s contact email for the question "%(offer)s", so that we can get in touch. I can revoke '
                 'this consent at any time.', unit=unit, company=company, offer=offer_title)


def interest_consent_text(offer: Offer, locale: str) -> str:
    """The sentence a graduate agrees to with "I'm interested": the same one `express_interest` records."""
    return _graduate_consent_text(offer.company.name, offer.title, locale)


def _graduate_consent_text(company: str, offer_title: str, locale: str) -> str:
    with force_locale(locale):
        return _('I agree that %(company)s receives my name and email address for the offer "%(offer)s", '
                 'so that we can get in touch. I can revoke this consent at any time.',
                 company=company, offer=offer_title)


def _record_consent(introduction: Introduction, user: User, side: Side, now: datetime) -> ConsentRecord:
    record = ConsentRecord(user_id=user.id, introduction=introduction, purpose="introduction",
                           text=consent_text(introduction, side, user.locale or "de"),
                           text_version=CONSENT_TEXT_VERSION, given_at=now)
    db.session.add(record)
    db.session.flush()
    return record


def _refuse_duplicate(offer: Offer, profile: GraduateProfile) -> None:
    existing = open_introduction(offer.id, profile.id)
    if existing is not None:
        raise DuplicateIntroduction("There is already an open introduction for this offer.", existing)


def _new(offer: Offer, profile: GraduateProfile, side: Side, actor: User, state: IntroductionState,
         now: datetime, **fields) -> Introduction:
    introduction = Introduction(profile=profile, company_id=offer.company_id, offer=offer, started_by=side,
                                started_by_user_id=actor.id, state=state, offer_kind=offer.kind,
                                created_at=now, updated_at=now, **fields)
    db.session.add(introduction)
    db.session.flush()
    return introduction


# ---- the three starts ---------------------------------------------------------------------------

def express_interest(user: User, offer: Offer, now: datetime | None = None) -> Introduction:
    """A graduate says "interested": they have said yes already, the company is asked."""
    now = now or utcnow()
    profile = user.profile
    if profile is None:
        raise NotPossible("Please fill in your profile first, so that the company learns what you can do.")
    if not offer.is_public:
        raise NotPossible("This offer is not open.")
    _refuse_duplicate(offer, profile)
    introduction = _new(offer, profile, Side.graduate, user, IntroductionState.accepted_by_graduate, now,
                        graduate_accepted_at=now)
    _record_consent(introduction, user, Side.graduate, now)
    _audit(user, "start", introduction, "interest")
    _mail_company(introduction, _l("A graduate is interested in your offer"), "introduction_interest")
    return introduction


def invite_graduate(user: User, offer: Offer, profile: GraduateProfile, message_to_graduate: str = "",
                    now: datetime | None = None) -> Introduction:
    """A company invites a findable graduate to one of its published offers, with an optional personal message."""
    now = now or utcnow()
    if not acts_for(user, offer.company_id):
        raise NotAllowed("Only the graduate or the company can take this step.")
    if not offer.is_public:
        raise NotPossible("Publish the offer first: graduates can be invited only to open offers.")
    if not is_findable(profile):
        raise NotPossible("This graduate cannot be invited.")
    _refuse_duplicate(offer, profile)
    introduction = _new(offer, profile, Side.company, user, IntroductionState.accepted_by_company, now,
                        company_accepted_at=now, company_accepted_by_id=user.id,
                        message_to_graduate=(message_to_graduate or "").strip())
    _record_consent(introduction, user, Side.company, now)
    _audit(user, "start", introduction, "invite")
    _mail_graduate(introduction, _l("A company invites you to an introduction"), "introduction_invited",
                   message=introduction.message_to_graduate or "")
    return introduction


def propose_introduction(staff: User, offer: Offer, profile: GraduateProfile, message_to_graduate: str,
                         message_to_company: str, now: datetime | None = None) -> Introduction:
    """Staff propose a pair from the matching board, with a personal message to each side."""
    now = now or utcnow()
    if not offer.is_public:
        raise NotPossible("This offer is not open.")
    if not is_findable(profile):
        raise NotPossible("This graduate cannot be invited.")
    _refuse_duplicate(offer, profile)
    introduction = _new(offer, profile, Side.staff, staff, IntroductionState.proposed, now,
                        message_to_graduate=message_to_graduate, message_to_company=message_to_company)
    _audit(staff, "start", introduction, "propose")
    _mail_graduate(introduction, _l("The Präsenzstelle suggests an introduction"), "introduction_proposed",
                   message=message_to_graduate)
    _mail_company(introduction, _l("The Präsenzstelle suggests an introduction"), "introduction_proposed",
                  message=message_to_company)
    return introduction


# Marked for the catalogue: errors raised above, shown through error_text().
START_ERRORS = (
    _l("There is already an open introduction for this offer."),
    _l("Please fill in your profile first, so that the company learns what you can do."),
    _l("This offer is not open."),
    _l("Publish the offer first: graduates can be invited only to open offers."),
    _l("This graduate cannot be invited."),
)


# ---- answers ------------------------------------------------------------------------------------

def answering_member(introduction: Introduction) -> User | None:
    """The unit's member who said yes for it (their consent is on record), if any."""
    return db.session.scalar(db.select(User).join(ConsentRecord, ConsentRecord.user_id == User.id).where(
        ConsentRecord.introduction_id == introduction.id, User.role == Role.researcher,
        ConsentRecord.revoked_at.is_(None)).order_by(ConsentRecord.given_at))


def unit_contact(introduction: Introduction) -> dict:
    """What the company learns of a unit once both accepted: the unit's contact address and the address of
    the member who accepted (or started) for it."""
    unit = introduction.research_unit
    member = answering_member(introduction)
    return {"unit_name": unit.name if unit else "", "unit_contact_email": unit.contact_email if unit else "",
            "unit_member_email": member.email if member else ""}


def _contact_context(introduction: Introduction) -> dict:
    accepted_by = db.session.get(User, introduction.company_accepted_by_id) if introduction.company_accepted_by_id else None
    if introduction.is_with_unit:
        return {"company_user_email": accepted_by.email if accepted_by else "",
                "company_contact_email": introduction.company.contact_email, **unit_contact(introduction)}
    return {"company_user_email": accepted_by.email if accepted_by else "",
            "company_contact_email": introduction.company.contact_email,
            "graduate_name": introduction.profile.name if introduction.profile else "",
            "graduate_email": introduction.profile.user.email if introduction.profile else ""}


def accept_introduction(introduction: Introduction, user: User, now: datetime | None = None) -> None:
    now = now or utcnow()
    side = introduction.accept(by=user, now=now)
    _record_consent(introduction, user, side, now)
    _audit(user, "accept", introduction)
    if introduction.state == IntroductionState.introduced:
        contacts = _contact_context(introduction)
        _mail_graduate(introduction, _l("You have been introduced"), "introduction_introduced", **contacts)
        _mail_company(introduction, _l("You have been introduced"), "introduction_introduced", **contacts)
    else:
        _mail_side(introduction, _other(side, introduction), _l("Your answer is needed for an introduction"),
                   "introduction_accepted")


# ---- what a company keeps of an introduction that ended without contact ------------------------

def card_snapshot(profile: GraduateProfile) -> dict:
    """The pseudonymous card's fields as plain data (see templates/graduates/_card.html)."""
    return {"pseudonym": profile.pseudonym, "headline": profile.headline or "",
            "field_of_study": profile.field_of_study or "",
            "degree": profile.degree.value if profile.degree else None,
            "graduation_date": profile.graduation_date.isoformat() if profile.graduation_date else None,
            "wanted_kinds": list(profile.wanted_kinds or []),
            "earliest_start": profile.earliest_start.isoformat() if profile.earliest_start else None,
            "places": profile.places or "",
            "languages": [{"language": e.get("language"), "level": e.get("level")} for e in profile.languages or []],
            "skills": list(profile.skills or [])}


def freeze_card(introduction: Introduction, explain: bool = True) -> None:
    """Keep what the company was shown (card and reasons) as the introduction ends without contact.

    Without `explain` the card is kept without reasons: the demo data's past endings use that, so that
    seeding does not build the matcher.
    """
    from ..matching.index import card_reasons

    profile = introduction.profile
    if profile is None:
        introduction.card_snapshot = None
        return
    reasons = card_reasons(introduction.offer, profile) if explain and introduction.offer is not None else []
    introduction.card_snapshot = {"card": card_snapshot(profile), "reasons": [r.as_dict() for r in reasons]}


def kept_card(introduction: Introduction) -> tuple[SimpleNamespace | None, list[Reason]]:
    """The card and reasons kept at the end, ready for the card template; (None, []) once forgotten."""
    data = introduction.card_snapshot
    if not data:
        return None, []
    card = dict(data["card"])
    card["degree"] = Degree(card["degree"]) if card.get("degree") else None
    for key in ("graduation_date", "earliest_start"):
        card[key] = date.fromisoformat(card[key]) if card.get(key) else None
    return SimpleNamespace(**card), [Reason(**reason) for reason in data.get("reasons", [])]


def forget_cards(profile: GraduateProfile) -> None:
    """A consent revoked: companies no longer see even the kept card of ended introductions."""
    db.session.execute(db.update(Introduction).where(Introduction.profile_id == profile.id)
                       .values(card_snapshot=None).execution_options(synchronize_session="fetch"))


def decline_introduction(introduction: Introduction, user: User, reason: str = "",
                         now: datetime | None = None, explain: bool = True) -> None:
    side = introduction.decline(by=user, reason=reason, now=now or utcnow())
    freeze_card(introduction, explain)
    _audit(user, "decline", introduction)
    # The other side learns only that it ended, never the reason.
    _mail_side(introduction, _other(side, introduction), _l("An introduction has ended"), "introduction_closed")


def withdraw_introduction(introduction: Introduction, user: User, reason: str = "",
                          now: datetime | None = None, revocation: bool = False, explain: bool = True) -> None:
    side = introduction.withdraw(by=user, reason=reason, now=now or utcnow(), revocation=revocation)
    if revocation:
        introduction.card_snapshot = None
    else:
        freeze_card(introduction, explain)
    _audit(user, "withdraw", introduction, "revocation" if revocation else "")
    _mail_side(introduction, _other(side, introduction), _l("An introduction has ended"), "introduction_closed")


# Who sees and revokes their own consent records on "My consents": the people whose contact data an
# introduction passes on (a graduate, a unit's member) and who may be named in a story.
CONSENTING_ROLES = (Role.graduate, Role.researcher)


def revoke_consent(consent: ConsentRecord, user: User, now: datetime | None = None) -> bool:
    """Revoke a consent; a graduate's revocation ends the introduction if it is still open, and so does a
    researcher's when no other member of the unit said yes for it. Revoking the confirmation of a story takes
    the story offline, as withdrawing it from the story's page does.

    Returns whether an introduction was withdrawn.
    """
    now = now or utcnow()
    if consent.revoked_at is not None:
        raise NotPossible("This consent is already revoked.")
    if consent.purpose == "privacy":
        # Accepting the privacy notice is the basis of the account itself: it ends by deleting the account.
        raise NotPossible(_("To withdraw from the privacy notice, delete your account under “My data”."))
    if consent.purpose == "findable":
        from ..graduates.operations import set_visibility

        profile = user.profile
        if profile is not None and profile.visible_to_companies:
            set_visibility(profile, False)  # revokes the record too, and hides the card at once
        else:
            consent.revoked_at = now
        record_audit(user, "revoke_consent", subject=user, obj=consent)
        return False
    from ..stories.operations import CONSENT_PURPOSE as STORY_PURPOSE, withdraw_story

    if consent.purpose == STORY_PURPOSE:
        person = db.session.scalar(db.select(StoryPerson).where(StoryPerson.consent_id == consent.id))
        if person is not None and person.has_confirmed:
            withdraw_story(person.story, user, now=now)  # revokes the record too
            record_audit(user, "revoke_consent", subject=user, obj=consent)
            return False
    consent.revoked_at = now
    introduction = consent.introduction
    record_audit(user, "revoke_consent", subject=user, obj=consent)
    side = introduction.side_of(user) if introduction is not None else None
    if side == Side.graduate:
        introduction.card_snapshot = None
    if side == Side.unit and answering_member(introduction) is not None:
        # Another member's yes still stands for the unit; only this person's address is no longer passed on.
        return False
    if side in (Side.graduate, Side.unit) and introduction.is_open:
        withdraw_introduction(introduction, user, reason=_("Consent revoked"), now=now, revocation=True)
        return True
    return False


REVOKE_ERRORS = (_l("This consent is already revoked."),)


# ---- introductions between a company and a research unit ---------------------------------------

UNIT_START_ERRORS = (
    _l("There is already an open introduction of this unit for this question."),
    _l("Only research questions and thesis topics can be brought to a research unit."),
    _l("This research unit is not verified yet."),
    _l("Only members of the unit can say it is interested."),
)


def _check_unit_pair(offer: Offer, unit: ResearchUnit) -> None:
    from ..research.queries import UNIT_OFFER_KINDS, open_unit_introduction

    if not offer.is_public:
        raise NotPossible("This offer is not open.")
    if offer.kind not in UNIT_OFFER_KINDS:
        raise NotPossible("Only research questions and thesis topics can be brought to a research unit.")
    if not unit.is_verified:
        raise NotPossible("This research unit is not verified yet.")
    existing = open_unit_introduction(offer.id, unit.id)
    if existing is not None:
        raise DuplicateIntroduction("There is already an open introduction of this unit for this question.", existing)


def _new_with_unit(offer: Offer, unit: ResearchUnit, side: Side, actor: User, state: IntroductionState,
                   now: datetime, **fields) -> Introduction:
    introduction = Introduction(research_unit=unit, company_id=offer.company_id, offer=offer, started_by=side,
                                started_by_user_id=actor.id, state=state, offer_kind=offer.kind,
                                created_at=now, updated_at=now, **fields)
    db.session.add(introduction)
    db.session.flush()
    return introduction


def unit_interest(user: User, unit: ResearchUnit, offer: Offer, now: datetime | None = None) -> Introduction:
    """A member says the unit is interested in a company's question: the unit has said yes, the company is asked."""
    now = now or utcnow()
    if user.role != Role.researcher or not unit.has_member(user):
        raise NotAllowed("Only members of the unit can say it is interested.")
    _check_unit_pair(offer, unit)
    introduction = _new_with_unit(offer, unit, Side.unit, user, IntroductionState.accepted_by_graduate, now,
                                  graduate_accepted_at=now)
    _record_consent(introduction, user, Side.unit, now)
    _audit(user, "start", introduction, "interest")
    _mail_company(introduction, _l("A research unit is interested in your question"), "introduction_interest")
    return introduction


def invite_unit(user: User, offer: Offer, unit: ResearchUnit, message: str = "",
                now: datetime | None = None) -> Introduction:
    """A company invites a verified unit to one of its published research questions."""
    now = now or utcnow()
    if not acts_for(user, offer.company_id):
        raise NotAllowed("Only the graduate or the company can take this step.")
    _check_unit_pair(offer, unit)
    introduction = _new_with_unit(offer, unit, Side.company, user, IntroductionState.accepted_by_company, now,
                                  company_accepted_at=now, company_accepted_by_id=user.id,
                                  message_to_graduate=(message or "").strip())
    _record_consent(introduction, user, Side.company, now)
    _audit(user, "start", introduction, "invite")
    _mail_unit(introduction, _l("A company invites your research unit to an introduction"), "introduction_invited",
               message=introduction.message_to_graduate or "")
    return introduction


def propose_unit_introduction(staff: User, offer: Offer, unit: ResearchUnit, message_to_unit: str,
                              message_to_company: str, now: datetime | None = None) -> Introduction:
    """Staff propose a unit for a company's question, with a personal message to each side."""
    now = now or utcnow()
    _check_unit_pair(offer, unit)
    introduction = _new_with_unit(offer, unit, Side.staff, staff, IntroductionState.proposed, now,
                                  message_to_graduate=message_to_unit, message_to_company=message_to_company)
    _audit(staff, "start", introduction, "propose")
    _mail_unit(introduction, _l("The Präsenzstelle suggests an introduction"), "introduction_proposed",
               message=message_to_unit)
    _mail_company(introduction, _l("The Präsenzstelle suggests an introduction"), "introduction_proposed",
                  message=message_to_company)
    return introduction


def record_outcome(introduction: Introduction, staff: User, state: IntroductionState, on_date: date,
                   now: datetime | None = None) -> None:
    introduction.record_outcome(by=staff, state=state, on_date=on_date, now=now or utcnow())
    _audit(staff, "outcome", introduction)


def add_note(author: User, body: str, introduction: Introduction | None = None,
             profile: GraduateProfile | None = None) -> Note:
    note = Note(author_id=author.id, body=body, introduction_id=getattr(introduction, "id", None),
                profile_id=getattr(profile, "id", None))
    db.session.add(note)
    db.session.flush()
    subject = profile.user if profile is not None else (_subject_user(introduction) if introduction else None)
    record_audit(author, "add_note", subject=subject, obj=introduction or profile)
    return note


# ---- staying on time ----------------------------------------------------------------------------

def expire_introduction(introduction: Introduction, actor: User | None, now: datetime,
                        explain: bool = True) -> None:
    introduction.expire(now=now)
    freeze_card(introduction, explain)
    _audit(actor, "expire", introduction)
    _mail_graduate(introduction, _l("An introduction has ended"), "introduction_expired",
                   dedupe_key=f"expired:{introduction.id}:graduate")
    _mail_company(introduction, _l("An introduction has ended"), "introduction_expired",
                  dedupe_key=f"expired:{introduction.id}:company")


def _waiting(before: datetime) -> list[Introduction]:
    """Waiting introductions whose side has been asked before `before`."""
    candidates = db.session.scalars(db.select(Introduction).where(
        Introduction.state.in_([IntroductionState.proposed, IntroductionState.accepted_by_graduate,
                                IntroductionState.accepted_by_company]),
        Introduction.created_at <= before).order_by(Introduction.id))
    return [i for i in candidates if i.waiting_since() <= before]


def close_stale(actor: User, days: int, now: datetime | None = None) -> list[Introduction]:
    """Staff close every introduction that has waited longer than `days` days."""
    now = now or utcnow()
    stale = _waiting(now - timedelta(days=days))
    for introduction in stale:
        expire_introduction(introduction, actor, now)
    return stale


def send_reminders(now: datetime | None = None) -> tuple[int, int]:
    """Remind a side that has left an introduction waiting 7 days (once); expire it after 30 days.

    Idempotent: a reminder is sent once per introduction and side, and staff hear of each expiry once.
    Returns (reminders, expired).
    """
    now = now or utcnow()
    reminded = expired = 0
    for introduction in _waiting(now - EXPIRE_AFTER):
        expire_introduction(introduction, None, now)
        for email, locale in staff_recipients():
            queue_mail(email, _l("An introduction expired without an answer"), "introduction_expired_staff",
                       locale=locale, kind="introduction_expired_staff",
                       dedupe_key=f"expired-staff:{introduction.id}:{email}", intro=introduction,
                       link=_link(introduction))
        expired += 1
    for introduction in _waiting(now - REMIND_AFTER):
        for side in introduction.waiting_sides():
            attr = "reminded_company_at" if side == Side.company else "reminded_graduate_at"
            if getattr(introduction, attr) is not None:
                continue
            setattr(introduction, attr, now)
            key = f"remind:{introduction.id}:{side.value}"
            if side != Side.company:
                _mail_graduate(introduction, _l("An introduction is waiting for your answer"),
                               "introduction_reminder", dedupe_key=key)
            else:
                _mail_company(introduction, _l("An introduction is waiting for your answer"),
                              "introduction_reminder", dedupe_key=key)
            reminded += 1
    db.session.flush()
    return reminded, expired
