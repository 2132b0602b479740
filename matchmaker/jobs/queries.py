"""What the staff page shows of the queue: counts per state and the failed jobs, without their messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

FAILED_SHOWN = 50


@dataclass
class FailedJob:
    id: str
    name: str
    error: str  # the exception's class: its message may quote personal data
    error_id: str  # the log has the traceback under this id
    failures: int
    ended_at: datetime | None


@dataclass
class JobOverview:
    counts: dict[str, int] = field(default_factory=dict)
    failed: list[FailedJob] = field(default_factory=list)
    unreachable: bool = False


def _failed_job(rq_job) -> FailedJob:
    meta = rq_job.meta or {}
    return FailedJob(id=rq_job.id, name=rq_job.description or rq_job.func_name.rsplit(".", 1)[-1],
                     error=str(meta.get("error", "")), error_id=str(meta.get("error_id", "")),
                     failures=int(meta.get("failures", 0)), ended_at=rq_job.ended_at)


def job_overview(limit: int = FAILED_SHOWN) -> JobOverview | None:
    """None without REDIS_URL (jobs run inline); `unreachable` when Redis does not answer."""
    from redis.exceptions import RedisError

    from .queue import connection, enabled, get_queue

    if not enabled():
        return None
    from rq.job import Job
    from rq.registry import (FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry,
                             StartedJobRegistry)

    try:
        queue = get_queue()
        failed = FailedJobRegistry(queue=queue)
        counts = {"queued": queue.count, "started": StartedJobRegistry(queue=queue).count,
                  "scheduled": ScheduledJobRegistry(queue=queue).count, "failed": failed.count,
                  "finished": FinishedJobRegistry(queue=queue).count}
        ids = failed.get_job_ids(0, limit - 1, desc=True)
        jobs = [job for job in Job.fetch_many(ids, connection=connection()) if job is not None]
    except RedisError:
        return JobOverview(unreachable=True)
    return JobOverview(counts=counts, failed=[_failed_job(job) for job in jobs])


def failed_job(job_id: str):
    """The failed RQ job with this id, or None (no Redis, no such job, or not failed)."""
    from redis.exceptions import RedisError

    from .queue import connection, enabled, get_queue

    if not enabled() or len(job_id) > 64:
        return None
    from rq.exceptions import NoSuchJobError
    from rq.job import Job
    from rq.registry import FailedJobRegistry

    try:
        if job_id not in FailedJobRegistry(queue=get_queue()):
            return None
        return Job.fetch(job_id, connection=connection())
    except (NoSuchJobError, RedisError):
        return None
