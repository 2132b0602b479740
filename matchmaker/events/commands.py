"""`flask events remind` (run daily by cron, e.g. in the morning)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..commands import parse_now
from ..extensions import db
from ..outbox import deliver_queued

events_cli = AppGroup("events", help="The Präsenzstelle's events: reminders.")


@events_cli.command("remind")
@click.option("--now", "now_text", default=None, help="Pretend it is this UTC time (ISO format); for tests.")
def remind_command(now_text: str | None) -> None:
    """Remind everyone with a place at an event that starts tomorrow; a second run sends nothing again."""
    from .operations import send_reminders

    sent = send_reminders(now=parse_now(now_text))
    db.session.commit()
    deliver_queued(at_least=10_000)
    click.echo(f"reminders {sent}")
