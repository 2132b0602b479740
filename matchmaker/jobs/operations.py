"""Changes to the queue: a failed job tried again at a staff member's request."""

from __future__ import annotations

import logging

from ..domain import NotPossible

log = logging.getLogger("matchmaker.jobs")


def retry_failed_job(rq_job, actor) -> None:
    """Put a failed job back on its queue (its function is idempotent, so a second run is safe)."""
    from flask_babel import gettext as _
    from redis.exceptions import RedisError
    from rq.exceptions import InvalidJobOperationError
    from rq.registry import FailedJobRegistry

    from .queue import get_queue

    try:
        FailedJobRegistry(queue=get_queue()).requeue(rq_job)
    except (InvalidJobOperationError, RedisError) as error:
        raise NotPossible(_("This job cannot be tried again now. Reload the page and try once more.")) from error
    log.info("job %s (%s) queued again by user %s", rq_job.id, rq_job.description, actor.id)
