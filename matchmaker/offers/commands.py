"""Command-line tasks for offers: `flask offers expire`, `flask offers import`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from ..extensions import db

offers_cli = AppGroup("offers", help="Offers.")


@offers_cli.command("expire")
def expire_command() -> None:
    """Mark published offers past their expiry as expired (safe to run any time, e.g. nightly)."""
    from .operations import expire_offers

    count = expire_offers()
    db.session.commit()
    click.echo(f"expired {count} offer(s)")


@offers_cli.command("import")
@click.option("--feed", "feed_id", type=int, default=None, help="Only this feed (its id); default: every feed.")
def import_command(feed_id: int | None) -> None:
    """Import the companies' feeds as draft offers (safe to run any time, e.g. hourly from cron).

    Each feed is committed on its own, so one bad feed stops no other; a failure is the feed's status."""
    from ..feeds.queries import all_feed_ids
    from ..jobs.tasks import import_feeds
    from ..models import OfferFeed

    ids = [feed_id] if feed_id is not None else all_feed_ids()
    failed = 0
    for id_ in ids:
        feed = db.session.get(OfferFeed, id_)
        if feed is None:
            raise click.ClickException(f"no feed with id {id_}")
        import_feeds(feed_id=feed.id)  # here and now, as the hourly job does in a worker
        if feed.status.value == "error":
            failed += 1
            click.echo(f"feed {feed.id}: error {feed.error_code} {feed.error_detail}".rstrip())
        else:
            click.echo(f"feed {feed.id}: {feed.found_count} found, {feed.created_count} new, "
                       f"{feed.updated_count} updated, {feed.vanished_count} vanished")
    click.echo(f"imported {len(ids) - failed} feed(s), {failed} failed")


def register_commands(app: Flask) -> None:
    app.cli.add_command(offers_cli)
