"""`flask events remind` (run daily by cron, e.g. in the morning)."""

from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from ..extensions import db
from ..outbox import deliver_queued

events_cli = AppGroup("events", help="The Präsenzstelle's events: reminders.")


def _parse_now(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use ISO format, e.g. 2026-03-01T08:00", param_hint="--now") from exc
    # A time with an offset is converted; one without is taken as UTC.
    return parsed.astimezone(timezone.utc).replace(tzinfo=None) if parsed.tzinfo else parsed


@events_cli.command("remind")
@click.option("--now", "now_text", default=None, help="Pretend it is this UTC time (ISO format); for tests.")
def remind_command(now_text: str | None) -> None:
    """Remind everyone with a place at an event that starts tomorrow; a second run sends nothing again."""
    from .operations import send_reminders

    sent = send_reminders(now=_parse_now(now_text))
    db.session.commit()
    deliver_queued(at_least=10_000)
    click.echo(f"reminders {sent}")
