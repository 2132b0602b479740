"""The RQ worker class that holds the app, for `rq worker` started without the Flask CLI:

    rq worker --url "$REDIS_URL" --worker-class matchmaker.jobs.worker.AppWorker --with-scheduler matchmaker

It makes the app once (configured from the environment, as the web processes are); each job then runs
in a fresh app context of it (see tasks.py). `flask jobs worker` does the same with the CLI's app.
"""

from __future__ import annotations

from rq import Worker

from .tasks import use_app, worker_app


class AppWorker(Worker):
    def __init__(self, *args, app=None, **kwargs):
        super().__init__(*args, **kwargs)
        if app is not None:
            use_app(app)
        else:
            worker_app()  # made before the first fork, so that every work horse inherits it
