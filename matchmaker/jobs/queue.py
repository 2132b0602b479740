"""Access to the RQ queue, and `submit`: a job on the queue with REDIS_URL, the same work inline without it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app

log = logging.getLogger("matchmaker.jobs")

_connections: dict[str, object] = {}


def enabled() -> bool:
    """Jobs go to RQ workers when the app has a REDIS_URL; otherwise they run inline, as before."""
    return bool(current_app.config.get("REDIS_URL"))


def connection():
    """A Redis connection for RQ (bytes, not decoded), one pool per URL and process."""
    from redis import Redis

    url = current_app.config["REDIS_URL"]
    if url not in _connections:
        _connections[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)
    return _connections[url]


def get_queue():
    from rq import Queue

    return Queue(current_app.config.get("JOBS_QUEUE", "matchmaker"), connection=connection(),
                 default_timeout=current_app.config.get("JOBS_TIMEOUT", 600))


def retry_policy():
    """Retries with backoff: as many as there are intervals in JOBS_RETRY_INTERVALS (seconds)."""
    from rq import Retry

    intervals = list(current_app.config.get("JOBS_RETRY_INTERVALS", (10, 60, 300)))
    if not intervals:
        return None
    return Retry(max=len(intervals), interval=intervals)


def submit(function: Callable, **kwargs):
    """Enqueue `function(**kwargs)` with retries; without Redis (or when Redis is down) run it here.

    Returns the RQ job, or the function's result when it ran inline. Every job function is idempotent,
    so running one inline after a failed enqueue never does its work twice."""
    if enabled():
        from redis.exceptions import RedisError

        try:
            return get_queue().enqueue(function, kwargs=kwargs, retry=retry_policy(),
                                       description=function.__name__,
                                       failure_ttl=current_app.config.get("JOBS_FAILURE_TTL", 30 * 24 * 3600))
        except RedisError as error:
            log.warning("job %s not queued (Redis: %s); running it inline", function.__name__,
                        type(error).__name__)
    return function(**kwargs)
