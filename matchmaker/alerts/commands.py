"""`flask alerts send`: this week's alert mails (safe to run more than once a week)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..models import utcnow

alerts_cli = AppGroup("alerts", help="Weekly alerts of new fits.")


@alerts_cli.command("send")
@click.option("--now", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
              default=None, help="The time of the run in UTC (default: now); decides the ISO week.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Leave out fits below this score (default: ALERT_MIN_SCORE or 0.1).")
@click.option("--max-items", type=click.IntRange(1, 50), default=None,
              help="At most this many items per mail (default: ALERT_MAX_ITEMS or 10).")
def send_command(now, min_score, max_items) -> None:
    """Queue the weekly alert mails; `flask mail send` delivers them."""
    from flask import current_app

    from .operations import DEFAULT_MAX_ITEMS, DEFAULT_MIN_SCORE, send_alerts

    if min_score is None:
        min_score = float(current_app.config.get("ALERT_MIN_SCORE", DEFAULT_MIN_SCORE))
    if max_items is None:
        max_items = int(current_app.config.get("ALERT_MAX_ITEMS", DEFAULT_MAX_ITEMS))
    run = send_alerts(now or utcnow(), min_score=min_score, max_items=max_items)
    click.echo(f"{run.week}: {run.mails} mail(s) with {run.items} item(s); {run.users} user(s) done")
    if run.skipped:
        click.echo(f"{len(run.skipped)} user(s) left to an overlapping run")
