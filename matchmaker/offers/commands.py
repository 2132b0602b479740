"""Command-line tasks for offers: `flask offers expire`."""

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


def register_commands(app: Flask) -> None:
    app.cli.add_command(offers_cli)
