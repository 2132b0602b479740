"""The job functions. Each is idempotent (a second run does nothing twice) and can run three ways:

- in an RQ worker: `@job` pushes a fresh app context of the worker's app around it (one per job), and
  after a fork it drops the database connections inherited from the parent, which must not be shared;
- inline, in the caller's app context: without REDIS_URL, from `flask jobs run NAME` or a command;
- again, by RQ's retry with backoff or the staff page's retry button, when it raised.

A job that fails records an error id in its meta and logs the traceback under that id: the staff page
shows the id and the error's class, never the message, which may quote personal data.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps

log = logging.getLogger("matchmaker.jobs")

# name (as `flask jobs run` and the staff page spell it) -> job function
JOBS: dict[str, Callable] = {}

_app = None
_pool_pid: int | None = None


def use_app(app) -> None:
    """The app the jobs of this worker process run in (set by the worker; else made on first use)."""
    global _app
    _app = app


def worker_app():
    global _app
    if _app is None:
        from .. import create_app

        _app = create_app()
    return _app


def _fresh_pool_after_fork() -> None:
    """A forked work horse opens its own database connections instead of reusing its parent's."""
    global _pool_pid
    if _pool_pid != os.getpid():
        from ..extensions import db

        db.engine.dispose(close=False)
        _pool_pid = os.getpid()


def _record_failure(rq_job, error: BaseException) -> str:
    error_id = uuid.uuid4().hex[:12]
    log.error("job error id %s: %s (%s) failed", error_id, rq_job.description, rq_job.id, exc_info=error)
    rq_job.meta["error_id"] = error_id
    rq_job.meta["error"] = type(error).__name__
    rq_job.meta["failures"] = int(rq_job.meta.get("failures", 0)) + 1
    rq_job.save_meta()
    return error_id


def job(function: Callable) -> Callable:
    """Register `function` as a job: inline it runs in the caller's context, in a worker in its own."""
    name = function.__name__.replace("_", "-")

    @wraps(function)
    def run(**kwargs):
        from rq import get_current_job

        rq_job = get_current_job()
        if rq_job is None:
            return function(**kwargs)
        with worker_app().app_context():
            _fresh_pool_after_fork()
            try:
                return function(**kwargs)
            except Exception as error:
                _record_failure(rq_job, error)
                raise

    run.job_name = name
    JOBS[name] = run
    return run


def _when(now: datetime | str | None) -> datetime | None:
    if now is None or isinstance(now, datetime):
        return now
    from ..commands import parse_now

    return parse_now(now)


class MailNotDelivered(RuntimeError):
    """Some messages could not be sent; they wait in the outbox for the retry (no address in the text)."""


def in_worker() -> bool:
    from rq import get_current_job

    return get_current_job() is not None


@job
def deliver_mail(limit: int = 10_000, max_attempts: int = 5) -> dict:
    """Send the outbox's unsent messages. In a worker it raises when some could not be sent, so that RQ
    tries again with backoff; inline (a request, a command) it reports them and the next run takes them."""
    from ..outbox import deliver_pending, smtp_configured

    if not smtp_configured():
        return {"sent": 0, "failed": 0}
    sent, failed = deliver_pending(limit=limit, max_attempts=max_attempts)
    if failed and in_worker():
        raise MailNotDelivered(f"{failed} message(s) not sent, {sent} sent; the rest wait in the outbox")
    return {"sent": sent, "failed": failed}


@job
def send_alerts(now: datetime | str | None = None, min_score: float | None = None,
                max_items: int | None = None) -> dict:
    """This week's alert mails (once per user and week)."""
    from flask import current_app

    from ..alerts.operations import DEFAULT_MAX_ITEMS, DEFAULT_MIN_SCORE
    from ..alerts.operations import send_alerts as run_alerts
    from ..models import utcnow
    from ..outbox import deliver_queued

    if min_score is None:
        min_score = float(current_app.config.get("ALERT_MIN_SCORE", DEFAULT_MIN_SCORE))
    if max_items is None:
        max_items = int(current_app.config.get("ALERT_MAX_ITEMS", DEFAULT_MAX_ITEMS))
    run = run_alerts(_when(now) or utcnow(), min_score=min_score, max_items=max_items)
    deliver_queued(at_least=10_000)
    return {"week": run.week, "mails": run.mails, "items": run.items, "users": run.users,
            "skipped": len(run.skipped)}


@job
def remind_introductions(now: datetime | str | None = None) -> dict:
    """Remind sides that left an introduction waiting 7 days; expire those waiting 30 days."""
    from ..brokering.operations import send_reminders
    from ..extensions import db
    from ..outbox import deliver_queued

    reminded, expired = send_reminders(now=_when(now))
    db.session.commit()
    deliver_queued(at_least=10_000)
    return {"reminded": reminded, "expired": expired}


@job
def remind_events(now: datetime | str | None = None) -> dict:
    """Remind everyone with a place at an event that starts tomorrow."""
    from ..events.operations import send_reminders
    from ..extensions import db
    from ..outbox import deliver_queued

    sent = send_reminders(now=_when(now))
    db.session.commit()
    deliver_queued(at_least=10_000)
    return {"reminders": sent}


@job
def run_retention(now: datetime | str | None = None) -> dict:
    """Warn and erase inactive graduates, purge old offers and logs (GDPR retention)."""
    from ..cv import remove_file
    from ..extensions import db
    from ..gdpr.operations import run_retention as retention
    from ..models import utcnow
    from ..outbox import deliver_queued

    done, files = retention(_when(now) or utcnow())
    db.session.commit()
    for name in files:
        remove_file(name)
    deliver_queued()
    return dict(done)


@job
def rebuild_index() -> dict:
    """Fit the matcher index over the database and publish it as the current snapshot; every serving
    process swaps the new one in within MATCHER_SNAPSHOT_CHECK_SECONDS (`index.rebuild_snapshot`)."""
    from flask import current_app

    from ..matching.index import current_version, rebuild_snapshot

    folder = rebuild_snapshot(current_app._get_current_object())
    return {"version": current_version(), "snapshot": str(folder)}


@job
def import_feeds(now: datetime | str | None = None, feed_id: int | None = None) -> dict:
    """Import the companies' feeds into draft offers (`flask offers import`). Each feed is committed on its
    own, so one bad feed stops no other; a failure is that feed's status, never the job's."""
    from ..extensions import db
    from ..feeds.operations import run_feed
    from ..feeds.queries import all_feed_ids
    from ..models import OfferFeed

    when = _when(now)
    done = failed = 0
    for id_ in [feed_id] if feed_id is not None else all_feed_ids():
        feed = db.session.get(OfferFeed, id_)
        if feed is None:
            continue
        run_feed(feed, now=when)
        db.session.commit()
        if feed.status.value == "error":
            failed += 1
        else:
            done += 1
    return {"imported": done, "failed": failed}
