"""The audit log of personal data: who looked at or changed whose data, when."""

from __future__ import annotations

from .extensions import db
from .models import AuditEntry, User


def record_audit(actor: User | None, action: str, subject: User | None = None, obj=None, detail: str = "") -> AuditEntry:
    """Add one entry (flushes, does not commit). `subject` is the person whose data it is.

    Actions in use: view_profile (a company user or staff opened a graduate's full profile),
    view_contact (contact data shown after an introduction), export_audit, and the steps of an
    introduction (introduction_<verb>).
    """
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        subject_user_id=getattr(subject, "id", None),
        action=action[:40],
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        detail=detail[:300],
    )
    db.session.add(entry)
    db.session.flush()
    return entry
