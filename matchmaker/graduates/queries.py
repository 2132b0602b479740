"""Read-only questions about graduates. "Findable" is defined here once: as SQL and as a Python check."""

from __future__ import annotations

import sqlalchemy as sa

from ..models import GraduateProfile, User


def findable_clause() -> sa.ColumnElement[bool]:
    """The graduate agreed to be found by companies and their account is active (needs the user joined)."""
    return sa.and_(GraduateProfile.visible_to_companies.is_(True), User.active.is_(True))


def findable_profiles() -> sa.Select:
    """Profiles companies may find: the matcher's candidates, the alerts, the invitations, the staff count."""
    return sa.select(GraduateProfile).join(GraduateProfile.user).where(findable_clause())


def is_findable(profile: GraduateProfile) -> bool:
    """The Python side of `findable_clause`, for one loaded profile."""
    return bool(profile.visible_to_companies and profile.user is not None and profile.user.active)
