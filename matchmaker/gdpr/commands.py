"""`flask gdpr retention`: warn and erase inactive graduates, purge old offers and logs (idempotent)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..models import utcnow

gdpr_cli = AppGroup("gdpr", help="Data protection: retention of accounts, offers and logs.")


@gdpr_cli.command("retention")
@click.option("--now", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
              default=None, help="The time of the run in UTC (default: now).")
def retention_command(now) -> None:
    """Warn graduates inactive for RETENTION_WARN_DAYS, erase those still inactive RETENTION_GRACE_DAYS after
    the warning, delete offers ended OFFER_PURGE_DAYS ago and logs older than LOG_RETENTION_DAYS."""
    from ..cv import remove_file
    from ..extensions import db
    from ..outbox import deliver_queued
    from .operations import run_retention

    done, files = run_retention(now or utcnow())
    db.session.commit()
    for name in files:
        remove_file(name)
    deliver_queued()
    click.echo(f"warned {done['warned']} inactive graduate(s); erased {done['erased']} account(s); "
               f"purged {done['offers']} offer(s), {done['audit_entries']} audit entr(ies), "
               f"{done['mails']} sent mail(s)")
