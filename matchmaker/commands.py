"""Command-line tasks: `flask create-user`, `flask seed-demo`, `flask mail send`, `flask alerts send`."""

from __future__ import annotations

from datetime import datetime, timezone

import click
from flask import Flask
from flask.cli import AppGroup

from .extensions import db
from .models import Role, User


def parse_now(value: str | None) -> datetime | None:
    """The `--now` of a scheduled command (for tests): ISO format; a time with an offset is converted,
    one without is taken as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use ISO format, e.g. 2026-03-01T08:00", param_hint="--now") from exc
    return parsed.astimezone(timezone.utc).replace(tzinfo=None) if parsed.tzinfo else parsed


def register(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
                  help="At least 12 characters; asked for when not given.")
    @click.option("--locale", type=click.Choice(["de", "en"]), default="de")
    def create_user_command(email: str, role: str, password: str, locale: str) -> None:
        """Create a confirmed account, e.g. for Präsenzstelle staff."""
        from email_validator import EmailNotValidError, validate_email

        from .auth.forms import PASSWORD_MAX, PASSWORD_MIN
        from .auth.passwords import is_weak_password
        from .auth.operations import create_user

        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError as exc:
            raise click.BadParameter(str(exc), param_hint="EMAIL") from exc
        if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
            raise click.BadParameter(f"must have {PASSWORD_MIN} to {PASSWORD_MAX} characters",
                                     param_hint="--password")
        if is_weak_password(password, email):
            raise click.BadParameter("is too common or too close to the email address", param_hint="--password")
        if db.session.scalar(db.select(User.id).where(User.email == User.normalise_email(email))):
            raise click.ClickException(f"{email} is already registered")
        user = create_user(email, password, Role(role), locale=locale, confirmed=True)
        db.session.commit()
        click.echo(f"created {user.role.value} {user.email} (id {user.id})")

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the fictional demo data (idempotent) and print the demo logins."""
        from .demo import seed_demo

        for line in seed_demo():
            click.echo(line)

    mail_cli = AppGroup("mail", help="The mail outbox.")

    @mail_cli.command("send")
    @click.option("--limit", type=click.IntRange(min=1), default=10_000, show_default=True,
                  help="Send at most this many messages in this run.")
    @click.option("--max-attempts", type=click.IntRange(min=1), default=5, show_default=True,
                  help="Give up on a message after this many failed attempts (it stays with its error).")
    def mail_send_command(limit: int, max_attempts: int) -> None:
        """Send unsent outbox messages through SMTP (needs MAIL_SERVER); safe to run concurrently."""
        from .outbox import deliver_pending, smtp_configured, undeliverable_count

        if not smtp_configured():
            raise click.ClickException("MAIL_SERVER is not set: messages stay in the outbox.")
        sent, failed = deliver_pending(limit=limit, max_attempts=max_attempts)
        click.echo(f"sent {sent}, failed {failed}")
        given_up = undeliverable_count(max_attempts)
        if given_up:
            click.echo(f"{given_up} message(s) gave up after {max_attempts} attempts; see last_error in the outbox")

    app.cli.add_command(mail_cli)

    translations_cli = AppGroup("translations", help="The German and English catalogues.")

    @translations_cli.command("update")
    def translations_update_command() -> None:
        """Extract marked strings and bring both catalogues in step (English maps to itself)."""
        from .i18n import update

        for locale, missing in update().items():
            click.echo(f"{locale}: {missing} strings untranslated")

    app.cli.add_command(translations_cli)

    try:
        from .matching.cli import matcher_cli
    except ImportError:  # the matcher package may not provide its commands yet
        matcher_cli = None
    if matcher_cli is not None:
        app.cli.add_command(matcher_cli)

    from .brokering.commands import brokering_cli

    app.cli.add_command(brokering_cli)

    from .events.commands import events_cli

    app.cli.add_command(events_cli)

    from .offers.commands import register_commands as register_offer_commands

    register_offer_commands(app)

    from .alerts.commands import alerts_cli

    app.cli.add_command(alerts_cli)

    from .gdpr.commands import gdpr_cli

    app.cli.add_command(gdpr_cli)

    from .jobs.commands import jobs_cli

    app.cli.add_command(jobs_cli)
