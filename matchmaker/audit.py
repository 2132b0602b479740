"""The audit log of personal data: who looked at or changed whose data, when."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from .extensions import db
from .models import AuditEntry, GraduateProfile, Role, User, utcnow


# Looking at data, as opposed to changing it: logged once per viewer, object and day (see record_audit).
VIEW_ACTIONS = frozenset({"view_profile", "view_contact", "view_cv", "view_card", "mail_card"})


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    day = datetime.combine(now.date(), time.min)
    return day, day + timedelta(days=1)


def record_audit(actor: User | None, action: str, subject: User | None = None, obj=None, detail: str = "",
                 now: datetime | None = None) -> AuditEntry:
    """Add one entry (flushes, does not commit). `subject` is the person whose data it is.

    Actions in use: view_profile (a company user or staff opened a graduate's full profile),
    view_contact (contact data shown after an introduction), view_card and mail_card (see
    record_card_views), view_cv, export_audit, and the steps of an introduction (introduction_<verb>).
    A view action (VIEW_ACTIONS) already logged for the same viewer, object and (UTC) day is not logged
    again: reloading a page must not flood the graduate's log. Every change is logged each time.
    """
    now = now or utcnow()
    object_type = type(obj).__name__.lower() if obj is not None else ""
    object_id = getattr(obj, "id", None)
    if action in VIEW_ACTIONS:
        start, end = _day_bounds(now)
        earlier = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.action == action, AuditEntry.actor_id == getattr(actor, "id", None),
            AuditEntry.subject_user_id == getattr(subject, "id", None),
            AuditEntry.object_type == object_type,
            AuditEntry.object_id.is_(None) if object_id is None else AuditEntry.object_id == object_id,
            AuditEntry.created_at >= start, AuditEntry.created_at < end).limit(1))
        if earlier is not None:
            return earlier
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        subject_user_id=getattr(subject, "id", None),
        action=action[:40],
        object_type=object_type,
        object_id=object_id,
        detail=detail[:300],
        created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def record_card_views(viewer: User, profiles: Iterable[GraduateProfile], action: str = "view_card",
                      now: datetime | None = None) -> int:
    """Log that a company user's company saw these pseudonymous cards; once per company, card and day.

    A list of cards seen again and again (paging back, reloading) must not flood the graduate's log, so
    a card already logged for the same company on the same (UTC) day is skipped: one query for the day's
    entries, one insert for the rest. The company is kept in `detail`, so a second member of the same
    company adds nothing that day either. Only company users are logged: the Präsenzstelle sees cards
    as part of its work, and its opening of a full profile is logged as view_profile. Flushes, does
    not commit; returns the number of entries written.
    """
    company = getattr(viewer, "active_company", None)
    if viewer.role != Role.company or company is None:
        return 0
    cards = {profile.id: profile.user_id for profile in profiles}
    if not cards:
        return 0
    now = now or utcnow()
    day, next_day = _day_bounds(now)
    detail = f"company:{company.id}"
    logged = set(db.session.scalars(sa.select(AuditEntry.object_id).where(
        AuditEntry.action == action, AuditEntry.detail == detail, AuditEntry.object_type == "graduateprofile",
        AuditEntry.object_id.in_(list(cards)), AuditEntry.created_at >= day,
        AuditEntry.created_at < next_day)))
    rows = [{"actor_id": viewer.id, "subject_user_id": user_id, "action": action,
             "object_type": "graduateprofile", "object_id": profile_id, "detail": detail, "created_at": now}
            for profile_id, user_id in cards.items() if profile_id not in logged]
    if rows:
        db.session.execute(sa.insert(AuditEntry), rows)
    return len(rows)
