"""`flask brokering remind` (run daily by cron) and `flask brokering close-stale`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..commands import parse_now
from ..extensions import db
from ..outbox import deliver_queued

brokering_cli = AppGroup("brokering", help="Brokered introductions: reminders and expiry.")


@brokering_cli.command("remind")
@click.option("--now", "now_text", default=None, help="Pretend it is this UTC time (ISO format); for tests.")
def remind_command(now_text: str | None) -> None:
    """Remind sides that left an introduction waiting 7 days; expire those waiting 30 days and tell staff."""
    from .operations import send_reminders

    reminded, expired = send_reminders(now=parse_now(now_text))
    db.session.commit()
    deliver_queued(at_least=10_000)
    click.echo(f"reminders {reminded}, expired {expired}")


@brokering_cli.command("close-stale")
@click.option("--days", type=click.IntRange(1, 3650), default=30, show_default=True)
@click.option("--now", "now_text", default=None, help="Pretend it is this UTC time (ISO format).")
def close_stale_command(days: int, now_text: str | None) -> None:
    """Expire every introduction that has waited longer than DAYS for an answer."""
    from .operations import close_stale

    closed = close_stale(None, days, now=parse_now(now_text))
    db.session.commit()
    deliver_queued(at_least=10_000)
    click.echo(f"expired {len(closed)}")
