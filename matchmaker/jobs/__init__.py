"""Background jobs: mail, alerts, reminders, retention and the index rebuild, on RQ when REDIS_URL is set.

- `queue.py`: the connection, the queue, `submit` (enqueue with retries, or run inline without Redis).
- `tasks.py`: the job functions; each is idempotent and, in a worker, runs in a fresh app context.
- `worker.py`: the worker class that holds the app (`flask jobs worker`, or `rq worker -w ...`).
- `queries.py` / `views.py`: the staff page `/staff/jobs` (counts, failed jobs, retry).
- `commands.py`: `flask jobs worker`, `flask jobs run NAME` (what cron calls), `flask jobs status`.
"""
