"""The graduate's profile and consent to be found. These flush but never commit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import GraduateProfile, User, utcnow

PROFILE_FIELDS = ("name", "headline", "about", "study_programme", "study_other", "degree", "graduation_date",
                  "skills", "languages", "wanted_kinds", "earliest_start", "places", "cv_text")

# What a complete profile has, in the order the form asks for it: (key, anchor in the form, label).
CHECKLIST = (
    ("headline", "headline", _l("a headline")),
    ("field_of_study", "study_programme", _l("your field of study")),
    ("degree", "degree", _l("your degree")),
    ("graduation_date", "graduation_date", _l("your graduation date")),
    ("skills", "skills", _l("your skills")),
    ("languages", "languages", _l("your languages and levels")),
    ("wanted_kinds", "wanted_kinds", _l("what you are looking for")),
    ("earliest_start", "earliest_start", _l("your earliest start")),
    ("places", "places", _l("where you want to work")),
    ("cv_text", "cv_text", _l("your CV")),
)


def save_profile(user: User, data: dict) -> GraduateProfile:
    """Create or update the user's profile from validated form data, including consent."""
    profile = user.profile
    if profile is None:
        profile = GraduateProfile(user=user)
        db.session.add(profile)
    for name in PROFILE_FIELDS:
        setattr(profile, name, data[name])
    profile.sync_german_level()
    set_visibility(profile, data["visible"])
    db.session.flush()
    return profile


def set_visibility(profile: GraduateProfile, visible: bool) -> None:
    """Consent to be found: the time is taken when it is given; withdrawing clears both at once.

    Each change is kept as a consent record with the exact sentence shown (FINDABLE_CONSENT_TEXT).
    """
    from ..gdpr.operations import FINDABLE_CONSENT_TEXT, FINDABLE_CONSENT_VERSION, record_consent, revoke_consents

    now = utcnow()
    if visible:
        if not profile.visible_to_companies or profile.consent_at is None:
            profile.visible_to_companies = True
            profile.consent_at = now
            record_consent(profile.user, "findable", FINDABLE_CONSENT_TEXT, FINDABLE_CONSENT_VERSION, now)
    else:
        from ..brokering.operations import forget_cards

        revoke_consents(profile.user, "findable", now)
        forget_cards(profile)
        profile.visible_to_companies = False
        profile.consent_at = None
    db.session.flush()


def missing_items(profile: GraduateProfile) -> list[tuple[str, object]]:
    """(anchor, label) for each part of the profile that is still empty."""
    return [(anchor, label) for key, anchor, label in CHECKLIST if not getattr(profile, key)]


def completeness(profile: GraduateProfile | None) -> int:
    """Share of the checklist that is filled in, in percent."""
    if profile is None:
        return 0
    return round(100 * (len(CHECKLIST) - len(missing_items(profile))) / len(CHECKLIST))
