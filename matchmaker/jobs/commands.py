"""`flask jobs worker`, `flask jobs run NAME` (what cron calls) and `flask jobs status`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Background jobs (RQ with REDIS_URL; inline without).")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (for tests and one-off runs).")
@click.option("--name", default=None, help="The worker's name in Redis (default: host and pid).")
def worker_command(burst: bool, name: str | None) -> None:
    """Run an RQ worker on the app's queue, with the scheduler that starts retries after their delay."""
    from .queue import connection, enabled, get_queue
    from .worker import AppWorker

    if not enabled():
        raise click.ClickException("REDIS_URL is not set: jobs run inline, there is no queue to work on.")
    worker = AppWorker([get_queue()], connection=connection(), name=name,
                       app=current_app._get_current_object())
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


def _job_names() -> list[str]:
    from .tasks import JOBS

    return sorted(JOBS)


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(_job_names()))
@click.option("--now", "now_text", default=None, help="Pretend it is this UTC time (ISO format); for tests.")
def run_command(name: str, now_text: str | None) -> None:
    """Queue the job NAME (with REDIS_URL) or run it here and now; cron calls this (see docs/deploy.md)."""
    from ..commands import parse_now
    from .queue import enabled, submit
    from .tasks import JOBS

    function = JOBS[name]
    kwargs = {}
    if now_text is not None:
        if name in ("deliver-mail", "rebuild-index"):
            raise click.BadParameter(f"{name} takes no --now", param_hint="--now")
        kwargs["now"] = parse_now(now_text)
    result = submit(function, **kwargs)
    if enabled() and not isinstance(result, dict):
        click.echo(f"queued {name} as job {result.id}")
    else:
        click.echo(f"{name}: " + ", ".join(f"{key} {value}" for key, value in result.items()))


@jobs_cli.command("status")
def status_command() -> None:
    """Counts of queued, started, scheduled, failed and finished jobs."""
    from .queries import job_overview

    overview = job_overview()
    if overview is None:
        click.echo("REDIS_URL is not set: jobs run inline.")
        return
    click.echo(", ".join(f"{key} {value}" for key, value in overview.counts.items()))
