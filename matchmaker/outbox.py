"""Mail through an outbox: every message is stored first; with SMTP settings it is also sent."""

from __future__ import annotations

import logging

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from .extensions import db, mail
from .models import OutboxMessage, utcnow

log = logging.getLogger("matchmaker.mail")


def queue_mail(recipient: str, subject: str, template: str, locale: str = "de", kind: str = "",
               dedupe_key: str | None = None, **context) -> OutboxMessage:
    """Render `templates/mail/<template>.txt` in the recipient's language and store it.

    With a `dedupe_key`, a message already queued under that key is returned instead of a second one:
    reminders and alerts use it so that running their command twice sends nothing twice.
    """
    if dedupe_key is not None:
        existing = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    with force_locale(locale):
        body = render_template(f"mail/{template}.txt", **context)
        subject_text = str(subject)
    message = OutboxMessage(recipient=recipient, subject=subject_text, body=body, kind=kind or template,
                            dedupe_key=dedupe_key)
    db.session.add(message)
    db.session.flush()
    log.info("outbox #%s to %s: %s\n%s", message.id, recipient, subject_text, body)
    return message


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def deliver_pending(limit: int = 100, max_attempts: int = 5) -> tuple[int, int]:
    """Send unsent messages through SMTP; returns (sent, failed). Does nothing without SMTP."""
    if not smtp_configured():
        return 0, 0
    sent = failed = 0
    pending = db.session.scalars(
        db.select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < max_attempts)
        .order_by(OutboxMessage.id).limit(limit)
    ).all()
    for message in pending:
        message.attempts += 1
        try:
            mail.send(Message(subject=message.subject, recipients=[message.recipient], body=message.body))
        except Exception as exc:  # SMTP errors are many and varied; keep the message for a retry
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            failed += 1
            log.warning("outbox #%s not sent: %s", message.id, message.last_error)
        else:
            message.sent_at = utcnow()
            message.last_error = ""
            sent += 1
        db.session.commit()
    return sent, failed
