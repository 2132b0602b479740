"""The audit log read back: a graduate's own entries, and the staff's CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Iterator

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..i18n import TIME_ZONE, berlin_day_start, csv_time
from ..models import AuditEntry, Role, User

# What an entry means, in the graduate's words. Steps of an introduction not listed here fall back
# to a general label.
ACTION_LABELS = {
    "view_profile": _l("Opened your full profile"),
    "view_card": _l("Looked at your pseudonymous card"),
    "mail_card": _l("Received your pseudonymous card in a weekly alert mail"),
    "view_contact": _l("Saw your contact data after an introduction"),
    "introduction_propose": _l("Proposed an introduction"),
    "introduction_accept": _l("Accepted an introduction"),
    "introduction_decline": _l("Declined an introduction"),
    "introduction_withdraw": _l("Withdrew an introduction"),
    "introduction_outcome": _l("Recorded the outcome of an introduction"),
    "introduction_close": _l("Closed an introduction"),
    "introduction_note": _l("Wrote a note on an introduction"),
    "introduction_start": _l("Started an introduction"),
    "view_cv": _l("Downloaded your CV"),
    "add_note": _l("Wrote a note about you"),
    "revoke_consent": _l("Revoked a consent"),
}


def action_label(action: str):
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.startswith("introduction_"):
        return _l("Worked on an introduction")
    return _l("Other use of your data")


def who_label(actor: User | None, viewer: User):
    """Who did it, as the graduate may see it: a company's name, the Präsenzstelle, never a staff email."""
    from ..gdpr.operations import ERASED_DOMAIN

    if actor is None or actor.email.endswith("@" + ERASED_DOMAIN):
        return _l("A deleted account")
    if actor.id == viewer.id:
        return _l("You")
    if actor.is_staff:
        return "Präsenzstelle"
    if actor.role == Role.company:
        return actor.company.name if actor.company is not None else _l("A company user")
    if actor.role == Role.researcher:
        return _l("A researcher of BTU")
    if actor.role == Role.board:
        return _l("A member of the advisory board")
    return _l("Another user")


def entries_about(user: User):
    """The select of entries about this person's data, newest first."""
    return (sa.select(AuditEntry).where(AuditEntry.subject_user_id == user.id)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))


def _in_range(query, start: date | None, end: date | None):
    # The days are Berlin days, as staff read them on the page and in the CSV.
    if start is not None:
        query = query.where(AuditEntry.created_at >= berlin_day_start(start))
    if end is not None:
        query = query.where(AuditEntry.created_at < berlin_day_start(end + timedelta(days=1)))
    return query


def audit_query(start: date | None, end: date | None):
    """All entries in the range with their actor, newest first (for the staff page)."""
    return _in_range(sa.select(AuditEntry), start, end).order_by(AuditEntry.created_at.desc(),
                                                                 AuditEntry.id.desc())


CSV_COLUMNS = ("id", f"created_at ({TIME_ZONE})", "action", "object_type", "object_id", "actor_id", "actor_email", "actor_role",
               "subject_user_id")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: no formula from data (= + - @, tab, carriage return)."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def audit_csv(session, start: date | None, end: date | None) -> Iterator[str]:
    """The CSV, row by row. Ids, actions, dates and the actor's email; never a graduate's name."""
    query = _in_range(
        sa.select(AuditEntry.id, AuditEntry.created_at, AuditEntry.action, AuditEntry.object_type,
                  AuditEntry.object_id, AuditEntry.actor_id, User.email, User.role, AuditEntry.subject_user_id)
        .outerjoin(User, User.id == AuditEntry.actor_id),
        start, end).order_by(AuditEntry.id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for row in session.execute(query.execution_options(yield_per=500)):
        entry_id, created_at, action, object_type, object_id, actor_id, email, role, subject_id = row
        writer.writerow([safe_cell(v) for v in (
            entry_id, csv_time(created_at), action, object_type,
            object_id, actor_id, email, role.value if role is not None else "", subject_id)])
        yield flush()
