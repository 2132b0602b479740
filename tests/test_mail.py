"""`flask mail send` against a real SMTP server on loopback: once, retries, errors kept, no double send."""

from __future__ import annotations

import logging
import re
import threading
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from helpers import PASSWORD

from matchmaker.alerts.operations import unsubscribe_url
from matchmaker.extensions import db as _db
from matchmaker.models import OutboxMessage, Role
from matchmaker.outbox import deliver_pending, deliver_queued, queue_mail, recipient_ref


@pytest.fixture
def app(make_app, smtp):
    """The shared app fixture, but with mail really sent to the loopback server."""
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                    MAIL_SUPPRESS_SEND=False, MAIL_TIMEOUT=10)


def queue(db, *recipients: str, kind: str = "") -> list[OutboxMessage]:
    messages = [queue_mail(r, "Bitte bestätigen", "confirm", link="http://localhost/x", kind=kind) for r in recipients]
    db.session.commit()
    return messages


def send(runner, db, *args: str) -> str:
    result = runner.invoke(args=["mail", "send", *args])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def test_each_message_arrives_once(runner, db, smtp):
    first, second = queue(db, "a@example.org", "b@example.org")
    assert "sent 2, failed 0" in send(runner, db)
    assert [m.envelope_to for m in smtp.inbox.messages] == [["a@example.org"], ["b@example.org"]]
    assert smtp.inbox.messages[0]["Subject"] == "Bitte bestätigen"
    for message in (first, second):
        assert message.sent_at is not None and message.attempts == 1 and message.last_error == ""

    assert "sent 0, failed 0" in send(runner, db)
    assert len(smtp.inbox.messages) == 2


def test_refused_message_keeps_its_error_and_is_sent_once_when_the_server_accepts(runner, db, smtp):
    (message,) = queue(db, "c@example.org")
    smtp.inbox.refuse = True
    assert "sent 0, failed 1" in send(runner, db)
    assert message.sent_at is None and message.attempts == 1
    assert "550" in message.last_error and "SMTPDataError" in message.last_error
    assert "sent 0, failed 1" in send(runner, db)
    assert message.attempts == 2

    smtp.inbox.refuse = False
    assert "sent 1, failed 0" in send(runner, db)
    assert message.sent_at is not None and message.last_error == "" and message.attempts == 3
    send(runner, db)
    assert len(smtp.inbox.to("c@example.org")) == 1


def test_after_the_last_attempt_a_message_stays_with_its_error(runner, db, smtp):
    (message,) = queue(db, "d@example.org")
    smtp.inbox.refuse = True
    send(runner, db, "--max-attempts", "2")
    output = send(runner, db, "--max-attempts", "2")
    assert "1 message(s) gave up after 2 attempts" in output
    smtp.inbox.refuse = False
    assert "sent 0, failed 0" in send(runner, db, "--max-attempts", "2")
    assert message.sent_at is None and message.attempts == 2 and "550" in message.last_error
    assert smtp.inbox.messages == []


def test_an_unreachable_server_leaves_the_queue_for_the_next_run(runner, db, smtp):
    first, second = queue(db, "e@example.org", "f@example.org")
    smtp.stop()
    assert "sent 0, failed 1" in send(runner, db)
    # The run stops at the first connection error: an outage does not use up every message's attempts.
    assert first.sent_at is None and first.attempts == 1 and "Connection" in first.last_error
    assert second.sent_at is None and second.attempts == 0

    smtp.start()
    assert "sent 2, failed 0" in send(runner, db)
    assert len(smtp.inbox.to("e@example.org")) == 1 and len(smtp.inbox.to("f@example.org")) == 1
    assert first.last_error == ""


def test_two_overlapping_runs_never_send_a_message_twice(app, db, smtp):
    recipients = [f"r{i}@example.org" for i in range(6)]
    queue(db, *recipients)
    smtp.inbox.delay = 0.15
    results, errors = [], []

    def run():
        try:
            with app.app_context():
                results.append(deliver_pending(limit=100))
                _db.session.remove()
        except Exception as exc:  # shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(sent for sent, _ in results) == 6
    assert sorted(m.envelope_to[0] for m in smtp.inbox.messages) == sorted(recipients)
    db.session.expire_all()
    assert all(m.sent_at is not None and m.attempts == 1 for m in db.session.scalars(db.select(OutboxMessage)))


def test_alert_mail_carries_one_click_unsubscribe_headers(runner, db, smtp, make_user, client):
    user = make_user(Role.graduate, alerts_enabled=True)
    queue_mail(user.email, "Neue Angebote", "confirm", link="http://localhost/x", kind="alert_graduate",
               list_unsubscribe=unsubscribe_url(user, "alerts"))
    queue(db, "other@example.org")
    send(runner, db)
    (alert,) = smtp.inbox.to(user.email)
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = alert["List-Unsubscribe"].strip("<>")
    assert "/alerts/unsubscribe/" in url
    (plain,) = smtp.inbox.to("other@example.org")
    assert plain["List-Unsubscribe"] is None

    # A mail client's one-click POST, without login or CSRF token, switches the alerts off.
    path = urlsplit(url).path
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.refresh(user)
    assert user.alerts_enabled is False


def _tokens_in(body: str) -> list[str]:
    return re.findall(r"/auth/(?:confirm|reset)/([^\s/]+)", body)


def test_with_smtp_the_log_names_no_address_token_or_name(client, db, make_user, caplog, smtp):
    caplog.set_level(logging.DEBUG, logger="matchmaker")
    known = make_user(Role.graduate, email="known.person@example.org")
    response = client.post("/auth/register", data={"email": "new.person@example.org", "password": PASSWORD,
                                                   "password_again": PASSWORD, "accept_privacy": "y"})
    assert response.status_code == 302
    assert client.post("/auth/forgot", data={"email": known.email}).status_code == 302
    intro = SimpleNamespace(offer=SimpleNamespace(title="Ingenieurin"), company=SimpleNamespace(name="Firma"))
    queue_mail("company.person@example.org", "Vorgestellt", "introduction_introduced", side="company",
               intro=intro, graduate_name="Alexandra Beispielname", graduate_email="alexandra@example.org",
               link="http://localhost/introductions/1")
    db.session.commit()

    bodies = [m.body for m in db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))]
    tokens = [token for body in bodies for token in _tokens_in(body)]
    assert len(tokens) == 2 and "Alexandra Beispielname" in bodies[-1]
    logged = caplog.text
    assert "template=confirm" in logged and "template=reset" in logged
    assert "template=introduction_introduced" in logged
    for secret in [*tokens, "new.person@example.org", known.email, "company.person@example.org",
                   "alexandra@example.org", "Alexandra Beispielname"]:
        assert secret not in logged, secret
    # The pseudonym is the same for the same address, so one person's mail can be followed in the log.
    assert recipient_ref(known.email) in logged and recipient_ref(known.email) == recipient_ref("Known.Person@example.org")


def test_a_refused_recipient_is_logged_by_pseudonym(runner, db, smtp, caplog):
    caplog.set_level(logging.WARNING, logger="matchmaker.mail")
    (message,) = queue(db, "refused.person@example.org")
    smtp.inbox.refuse = True
    assert "sent 0, failed 1" in send(runner, db)
    assert "not sent" in caplog.text and recipient_ref("refused.person@example.org") in caplog.text
    assert "refused.person@example.org" not in caplog.text


# ---- delivery at the end of the unit of work, and the unsubscribe address kept on the message ----

def test_a_request_delivers_the_mail_it_committed(client, db, smtp, make_user):
    known = make_user(Role.graduate, email="forgetful@example.org")
    assert client.post("/auth/forgot", data={"email": known.email}).status_code == 302
    (message,) = db.session.scalars(db.select(OutboxMessage))
    assert message.sent_at is not None
    assert len(smtp.inbox.to(known.email)) == 1


def test_only_committed_mail_is_handed_on(app, db, smtp):
    with app.test_request_context():
        queue_mail("rolled.back@example.org", "Bitte bestätigen", "confirm", link="http://localhost/x")
        db.session.rollback()
        assert deliver_queued() == (0, 0)
        queue(db, "committed@example.org")
        assert deliver_queued() == (1, 0)
        assert deliver_queued() == (0, 0)
    assert [m.envelope_to for m in smtp.inbox.messages] == [["committed@example.org"]]


def test_an_alert_keeps_its_unsubscribe_header_when_the_address_changes_before_sending(runner, db, smtp,
                                                                                       make_user):
    user = make_user(Role.graduate, email="old.address@example.org", alerts_enabled=True)
    queue_mail(user.email, "Neue Angebote", "confirm", link="http://localhost/x", kind="alert_graduate",
               list_unsubscribe=unsubscribe_url(user, "alerts"))
    db.session.commit()
    user.email = "new.address@example.org"
    db.session.commit()
    send(runner, db)
    (alert,) = smtp.inbox.to("old.address@example.org")
    assert "/alerts/unsubscribe/" in alert["List-Unsubscribe"]
