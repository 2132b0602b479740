"""Background jobs on a real Redis with a real RQ worker process (`flask jobs worker --burst`).

The worker is a separate process on the test's own database (an SQLite file, or TEST_DATABASE_URL), so
what it does reaches the test only through the database, Redis and the loopback SMTP server. Redis:
TEST_REDIS_URL, by default db 7 of 127.0.0.1:6379; each test has its own queue and removes its keys.
Skipped with the reason when Redis does not answer (.ci/run starts it).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import PASSWORD

from matchmaker.models import IntroductionState, Offer, OfferStatus, OutboxMessage, Role, utcnow

REPO = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    pytest.importorskip("rq")
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis at {REDIS_URL} does not answer ({type(error).__name__}); set TEST_REDIS_URL or start redis-server")
    return connection


@pytest.fixture
def redis_queue():
    """A queue name of this test alone on the test Redis; its keys are removed afterwards."""
    connection = _redis_or_skip()
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    from rq import Queue

    queue = Queue(name, connection=connection)
    for registry in (queue.failed_job_registry, queue.finished_job_registry, queue.started_job_registry,
                     queue.scheduled_job_registry, queue.deferred_job_registry, queue.canceled_job_registry):
        for job_id in registry.get_job_ids():
            connection.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
    for job_id in queue.get_job_ids():
        connection.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
    for key in connection.scan_iter(match=f"rq:*{name}*"):
        connection.delete(key)
    connection.close()


@pytest.fixture
def app(make_app, smtp, redis_queue):
    """The app with REDIS_URL (its own queue), retries without pauses, and mail to the loopback server."""
    return make_app(REDIS_URL=REDIS_URL, JOBS_QUEUE=redis_queue, JOBS_RETRY_INTERVALS=(0, 0),
                    MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                    MAIL_SUPPRESS_SEND=False, MAIL_TIMEOUT=5)


@pytest.fixture
def run_worker(app, db, smtp, redis_queue, tmp_path):
    """Run `flask jobs worker --burst` in its own process on the test's database; returns its output."""

    def run() -> str:
        env = {key: value for key, value in os.environ.items()
               if key not in {"DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "MATCHMAKER_ENV"}}
        env.update({"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": REDIS_URL,
                    "JOBS_QUEUE": redis_queue, "JOBS_RETRY_INTERVALS": "0,0", "MAIL_SERVER": "127.0.0.1",
                    "MAIL_PORT": str(smtp.port), "MAIL_USE_TLS": "false", "MAIL_USE_SSL": "false",
                    "SECRET_KEY": app.config["SECRET_KEY"], "MATCHMAKER_INSTANCE": str(tmp_path / "worker"),
                    "PYTHONPATH": str(REPO), "RATELIMIT_ENABLED": "false"})
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi:app", "jobs", "worker", "--burst"],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        db.session.expire_all()
        return done.stdout + done.stderr

    return run


def _queue(app):
    from matchmaker.jobs.queue import get_queue

    with app.app_context():
        return get_queue()


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, page[:2000]
    return match.group(1)


def test_without_redis_jobs_run_inline_and_the_page_says_so(make_app, make_user, make_introduction, db):
    app = make_app()
    assert app.config["REDIS_URL"] is None
    client = app.test_client()
    staff = make_user(Role.staff)
    assert client.post("/auth/login", data={"email": staff.email, "password": PASSWORD}).status_code == 302
    response = client.get("/staff/jobs/")
    assert response.status_code == 200 and "Jobs run inline" in response.get_data(as_text=True)
    assert client.post("/staff/jobs/anything/retry").status_code == 404

    introduction = make_introduction(IntroductionState.proposed, now=utcnow() - timedelta(days=8))
    result = app.test_cli_runner().invoke(args=["jobs", "run", "remind-introductions"])
    assert result.exit_code == 0 and "remind-introductions: reminded 2, expired 0" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(type(introduction), introduction.id).reminded_graduate_at is not None
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


@pytest.mark.jobs
@pytest.mark.slow
def test_mail_queued_in_a_request_is_sent_by_the_worker(app, client, db, make_user, smtp, run_worker):
    known = make_user(Role.graduate, email="forgetful@example.org")
    assert client.post("/auth/forgot", data={"email": known.email}).status_code == 302
    (message,) = db.session.scalars(db.select(OutboxMessage))
    assert message.sent_at is None and smtp.inbox.messages == []  # the request only queued the job
    assert _queue(app).count == 1

    output = run_worker()
    message = db.session.get(OutboxMessage, message.id)
    assert message.sent_at is not None, output
    assert len(smtp.inbox.to(known.email)) == 1
    assert _queue(app).count == 0


@pytest.mark.jobs
@pytest.mark.slow
def test_a_failing_job_is_retried_then_shown_failed_and_can_be_tried_again(make_app, smtp, redis_queue, db,
                                                                              make_user, run_worker):
    app = make_app(REDIS_URL=REDIS_URL, JOBS_QUEUE=redis_queue, JOBS_RETRY_INTERVALS=(0, 0),
                   MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                   MAIL_SUPPRESS_SEND=False, MAIL_TIMEOUT=5, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    staff = make_user(Role.staff, email="staff@example.org")
    graduate = make_user(Role.graduate, email="marta.kowalska@example.org")
    smtp.stop()  # the mail server is down: every delivery attempt fails

    from matchmaker.jobs.queue import submit
    from matchmaker.jobs.tasks import deliver_mail
    from matchmaker.outbox import queue_mail

    queue_mail(graduate.email, "Bitte bestätigen", "confirm", link="http://localhost/x")
    db.session.commit()
    submit(deliver_mail)
    run_worker()
    (message,) = db.session.scalars(db.select(OutboxMessage))
    assert message.sent_at is None
    assert message.attempts == 3  # the first run and two retries
    queue = _queue(app)
    assert queue.failed_job_registry.count == 1 and queue.count == 0

    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/login", data={"email": staff.email, "password": PASSWORD,
                                                "csrf_token": _token(page)})
    assert response.status_code == 302
    page = client.get("/staff/jobs/").get_data(as_text=True)
    assert 'data-count="failed">1<' in page
    assert "MailNotDelivered" in page and "deliver_mail" in page
    (job_id,) = queue.failed_job_registry.get_job_ids()
    error_id = queue.fetch_job(job_id).meta["error_id"]
    assert re.fullmatch(r"[0-9a-f]{12}", error_id) and error_id in page
    assert graduate.email not in page and "not sent" not in page  # the error's class, never its message

    assert client.post(f"/staff/jobs/{job_id}/retry").status_code == 400  # no CSRF token: refused
    assert queue.failed_job_registry.count == 1
    smtp.start()  # the server is back, on the same port
    response = client.post(f"/staff/jobs/{job_id}/retry", data={"csrf_token": _token(page)})
    assert response.status_code == 302
    assert queue.failed_job_registry.count == 0 and queue.count == 1
    run_worker()
    message = db.session.get(OutboxMessage, message.id)
    assert message.sent_at is not None and message.attempts == 4
    assert len(smtp.inbox.to(graduate.email)) == 1
    page = client.get("/staff/jobs/").get_data(as_text=True)
    assert 'data-count="failed">0<' in page and "No failed jobs" in page


@pytest.mark.jobs
@pytest.mark.slow
def test_a_reminder_job_run_twice_sends_one_mail(app, runner, db, make_introduction, smtp, run_worker):
    introduction = make_introduction(IntroductionState.proposed, now=utcnow() - timedelta(days=8))
    graduate = introduction.profile.user.email
    for _ in range(2):
        result = runner.invoke(args=["jobs", "run", "remind-introductions"])
        assert result.exit_code == 0 and "queued remind-introductions as job" in result.output, result.output
    assert _queue(app).count == 2

    run_worker()
    reminders = list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "introduction_reminder")))
    assert sorted(m.recipient for m in reminders) == sorted([graduate, introduction.company.users[0].email])
    assert all(m.sent_at is not None for m in reminders)
    assert len(smtp.inbox.to(graduate)) == 1
    assert _queue(app).failed_job_registry.count == 0


@pytest.mark.jobs
@pytest.mark.slow
def test_the_index_rebuild_job_publishes_a_snapshot_in_the_worker(app, runner, make_offer, run_worker, tmp_path):
    from matchmaker.matching import snapshot

    make_offer(title="Elektrolyse-Ingenieurin")
    result = runner.invoke(args=["jobs", "run", "rebuild-index"])
    assert result.exit_code == 0, result.output
    output = run_worker()
    assert "matcher snapshot" in output and "published: 1 offers" in output, output
    folder = snapshot.current(tmp_path / "worker" / "matcher")
    assert folder is not None and len(snapshot.load_meta(folder)["rows"]["offers"]) == 1
    assert _queue(app).finished_job_registry.count == 1


@pytest.mark.jobs
@pytest.mark.slow
def test_the_feed_import_job_runs_in_the_worker(app, runner, db, make_feed, feed_server, run_worker, monkeypatch):
    """The hourly import, queued by cron's line, runs in the worker: the career page's postings become drafts."""
    posting = {"@context": "https://schema.org", "@type": "JobPosting", "identifier": "w-1",
               "title": "Schichtleiterin Elektrolyse", "description": "Leitung der Schicht am Elektrolyseur.",
               "datePosted": "2026-11-01"}
    feed_server.page("/jobs", '<html><body><script type="application/ld+json">%s</script></body></html>'
                     % json.dumps(posting), "text/html; charset=utf-8")
    feed = make_feed(feed_server.url("/jobs"))
    monkeypatch.setenv("FEED_ALLOWED_NETWORKS", "127.0.0.0/8")
    result = runner.invoke(args=["jobs", "run", "import-feeds"])
    assert result.exit_code == 0 and "queued import-feeds as job" in result.output, result.output
    run_worker()
    drafts = list(db.session.scalars(db.select(Offer).where(Offer.feed_id == feed.id)))
    assert [(d.title, d.status) for d in drafts] == [("Schichtleiterin Elektrolyse", OfferStatus.draft)]
    assert _queue(app).finished_job_registry.count == 1
