"""Mail through an outbox: every message is stored first; with SMTP settings it is also sent.

Mail queued by a request goes out at the end of that request, once its transaction has committed:
`queue_mail` notes the message on the session, the session's after_commit event keeps the note only
for a committed transaction (a rollback drops it), and `deliver_queued` then hands it on. That
function is the one place to swap for a worker queue.

Delivery (`deliver_pending`, `flask mail send`) sends a message at most once, also when two runs
overlap. A run claims one message at a time in its own transaction and marks it sent (or keeps the
error) in that same transaction, so the claim and its outcome commit together:

- PostgreSQL: the claim is `SELECT … FOR UPDATE SKIP LOCKED`. A second run skips the locked row and
  takes the next one, so overlapping runs share the queue instead of waiting for each other.
- SQLite has no row locks. The claim is `UPDATE … SET attempts = attempts + 1 WHERE id = ? AND
  sent_at IS NULL AND attempts < ?`, which holds the database's write lock until the commit. A second
  run's claim waits for that commit (busy timeout) and then matches no row, or gives up on the lock
  and leaves the message to the run that holds it. Either way only one run sends it.

A message the server refuses keeps the error in `last_error` and is tried again by the next run, until
`max_attempts`; then it stays unsent with its error for staff to see. If the server cannot be reached
the run stops after recording that on the message it had claimed, so an outage does not use up the
attempts of the whole queue. A crash between the server's "250 OK" and our commit rolls the claim
back and that one message goes out again on the next run: SMTP gives no way to close that window.

With REDIS_URL, the request's end enqueues a `deliver_mail` job (matchmaker/jobs/) instead of sending:
an RQ worker sends, and retries with backoff while the server cannot be reached.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import smtplib
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Connection, Message
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from .extensions import db
from .models import OutboxMessage, utcnow

log = logging.getLogger("matchmaker.mail")

# Keys in Session.info: messages queued in the open transaction, and committed ones not yet handed on.
_QUEUED = "outbox_queued"
_COMMITTED = "outbox_committed"

# Refusals of one message: the connection is still good for the next one.
_MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def queue_mail(recipient: str, subject: str, template: str, locale: str = "de", kind: str = "",
               dedupe_key: str | None = None, list_unsubscribe: str | None = None, **context) -> OutboxMessage:
    """Render `templates/mail/<template>.txt` in the recipient's language and store it.

    With a `dedupe_key`, a message already queued under that key is returned instead of a second one:
    reminders and alerts use it so that running their command twice sends nothing twice. A mail of a
    list one can leave names its one-click unsubscribe address in `list_unsubscribe`.
    """
    if dedupe_key is not None:
        existing = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    with force_locale(locale):
        body = render_template(f"mail/{template}.txt", **context)
        subject_text = str(subject)
    message = OutboxMessage(recipient=recipient, subject=subject_text, body=body, kind=kind or template,
                            dedupe_key=dedupe_key, list_unsubscribe=list_unsubscribe)
    db.session.add(message)
    db.session.flush()
    db.session.info[_QUEUED] = db.session.info.get(_QUEUED, 0) + 1
    log.info("outbox #%s queued: template=%s to=%s", message.id, template, recipient_ref(recipient))
    if body_may_be_logged():
        log.info("outbox #%s (development, not sent): %s\n%s", message.id, subject_text, mask_link_tokens(body))
    return message


def recipient_ref(address: str) -> str:
    """A pseudonym for an address in the log: a keyed hash, the same for the same address, not reversible."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    digest = hmac.new(key, b"mail-recipient:" + address.strip().lower().encode("utf-8"), hashlib.sha256)
    return "r-" + digest.hexdigest()[:16]


def body_may_be_logged() -> bool:
    """Mail bodies carry sign-in links, names and addresses: only a development setup without SMTP logs them."""
    return not smtp_configured() and current_app.config.get("ENV_NAME") != "production"


_URL = re.compile(r"https?://[^\s<>\"')\]]+")
# A path segment or query value this long is a token (signed ids, reset and unsubscribe tokens), not a word.
_TOKEN_LENGTH = 16


def _mask_url(match: re.Match) -> str:
    parts = urlsplit(match.group(0))
    path = "/".join("***" if len(segment) >= _TOKEN_LENGTH else segment for segment in parts.path.split("/"))
    query = "&".join(
        (key + "=***") if value else item
        for item in parts.query.split("&") if item
        for key, _sep, value in [item.partition("=")]
    )
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{query}" if query else "")


def mask_link_tokens(text: str) -> str:
    """The text with the token part of every link replaced by ***."""
    return _URL.sub(_mask_url, text)


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def base_url() -> str:
    """The site's public address, for every link in a mail."""
    return current_app.config["BASE_URL"].rstrip("/")


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for a mail, always on `base_url()`.

    Never from the request: its Host header is the client's choice, and a forged one would put the
    attacker's domain into a password reset link.
    """
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


class _SmtpConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so that a silent server cannot hold a run forever."""

    def configure_host(self):
        timeout = current_app.config.get("MAIL_TIMEOUT", 30)
        factory = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = factory(self.mail.server, self.mail.port, timeout=timeout)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def _claim_next(after_id: int, max_attempts: int) -> OutboxMessage | None:
    """Claim the next unsent message after `after_id` for this run (see the module docstring)."""
    unsent = (OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < max_attempts)
    if db.session.get_bind().dialect.name == "postgresql":
        message = db.session.scalar(
            sa.select(OutboxMessage).where(*unsent, OutboxMessage.id > after_id)
            .order_by(OutboxMessage.id).limit(1).with_for_update(skip_locked=True)
        )
        if message is not None:
            message.attempts += 1
            db.session.flush()
        return message
    while True:
        candidate = db.session.scalar(
            sa.select(OutboxMessage.id).where(*unsent, OutboxMessage.id > after_id)
            .order_by(OutboxMessage.id).limit(1)
        )
        if candidate is None:
            return None
        try:
            claimed = db.session.execute(
                sa.update(OutboxMessage).where(OutboxMessage.id == candidate, *unsent)
                .values(attempts=OutboxMessage.attempts + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
        except OperationalError:  # another run has held the write lock past the busy timeout
            db.session.rollback()
            claimed = 0
        if claimed:
            return db.session.get(OutboxMessage, candidate, populate_existing=True)
        after_id = candidate


def _list_headers(message: OutboxMessage) -> dict[str, str]:
    """List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) for mail of a list one can leave."""
    if not message.list_unsubscribe:
        return {}
    return {"List-Unsubscribe": f"<{message.list_unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _as_mail(message: OutboxMessage) -> Message:
    return Message(subject=message.subject, recipients=[message.recipient], body=message.body,
                   extra_headers=_list_headers(message) or None)


def _close(connection: _SmtpConnection | None) -> None:
    if connection is None or connection.host is None:
        return
    try:
        connection.host.quit()
    except (smtplib.SMTPException, OSError):
        connection.host.close()


def deliver_pending(limit: int = 100, max_attempts: int = 5) -> tuple[int, int]:
    """Send unsent messages through SMTP; returns (sent, failed). Does nothing without SMTP."""
    if not smtp_configured():
        return 0, 0
    sent = failed = 0
    after_id = 0
    connection: _SmtpConnection | None = None
    try:
        while sent + failed < limit:
            message = _claim_next(after_id, max_attempts)
            if message is None:
                break
            after_id = message.id
            try:
                if connection is None:
                    connection = _SmtpConnection(current_app.extensions["mail"]).__enter__()
                connection.send(_as_mail(message))
            except Exception as exc:  # SMTP errors are many and varied; keep the message for a retry
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                db.session.commit()
                failed += 1
                # The server's answer may quote the address; the log names the recipient by pseudonym.
                log.warning("outbox #%s not sent (attempt %d) to=%s: %s", message.id, message.attempts,
                            recipient_ref(message.recipient),
                            message.last_error.replace(message.recipient, recipient_ref(message.recipient)))
                if isinstance(exc, _MESSAGE_REFUSED):
                    continue
                _close(connection)
                connection = None
                break  # the server is unreachable or broke off: the rest waits for the next run
            message.sent_at = utcnow()
            message.last_error = ""
            db.session.commit()
            sent += 1
    finally:
        _close(connection)
    return sent, failed


def deliver_queued(at_least: int = 100) -> tuple[int, int]:
    """Hand on the mail this session queued and committed: with REDIS_URL as a `deliver_mail` job for
    the RQ workers, without it by sending it now (with what else waits).

    Returns (sent, failed) of an inline delivery; (0, 0) when nothing was committed since the last
    call or the delivery went to the queue.
    """
    committed = db.session.info.pop(_COMMITTED, 0)
    if not committed or not smtp_configured():
        return 0, 0
    from .jobs.queue import enabled, submit
    from .jobs.tasks import deliver_mail

    if enabled():
        result = submit(deliver_mail, limit=max(at_least, committed))
        if isinstance(result, dict):  # Redis was down: it ran here
            return result["sent"], result["failed"]
        return 0, 0
    return deliver_pending(limit=max(at_least, committed))


def _note_commit(session: Session) -> None:
    queued = session.info.pop(_QUEUED, 0)
    if queued:
        session.info[_COMMITTED] = session.info.get(_COMMITTED, 0) + queued


def _note_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)  # those messages are gone with the transaction


def install_delivery_hook(app) -> None:
    """Deliver a request's committed mail when the request ends.

    Not inside after_commit itself: the session has no transaction there and must not start one. The
    request's end is after the view's single commit and before the response leaves, as before.
    """
    if not event.contains(Session, "after_commit", _note_commit):
        event.listen(Session, "after_commit", _note_commit)
        event.listen(Session, "after_rollback", _note_rollback)

    @app.after_request
    def _deliver_committed_mail(response):
        deliver_queued()
        return response


def undeliverable_count(max_attempts: int) -> int:
    """Messages that used up their attempts and stay unsent, each with its last error."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts >= max_attempts)
    ) or 0
